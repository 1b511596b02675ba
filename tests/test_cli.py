import json
import subprocess
import sys

import pytest

from lsmoo.cli import main


def lsmoo_cli(*args):
    """Run the installed console script in a subprocess (the real user path)."""
    return subprocess.run([sys.executable, "-m", "lsmoo", *args], capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL)


def test_solve_writes_run_directory(tmp_path, capsys):
    out = tmp_path / "run"
    rc = main(["solve", "zdt1", "--n-var", "12", "--algo", "nsga2", "--max-evals", "1000", "--seed", "2",
               "--pop-size", "20", "--out", str(out), "--quiet"])
    assert rc == 0
    for f in ("front.csv", "meta.json", "history.csv", "result.npz", "front.png"):
        assert (out / f).is_file()
    meta = json.loads((out / "meta.json").read_text())
    for key in ("problem", "algo", "n_var", "n_obj", "seed", "evaluations", "wall_seconds", "versions"):
        assert key in meta
    assert meta["problem"] == "zdt1" and meta["n_var"] == 12 and meta["evaluations"] == 1000
    lines = (out / "front.csv").read_text().splitlines()
    assert lines[0] == "f1,f2" and len(lines) - 1 == meta["front_size"]
    assert "IGD" in capsys.readouterr().out

    assert main(["show", str(out)]) == 0
    shown = capsys.readouterr().out
    assert "front.png" in shown and "f1" in shown


def test_list_shows_problems_and_algorithms(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "zdt1" in out and "dtlz7" in out and "nsga2" in out and "encoding" in out


@pytest.mark.parametrize("args, message", [
    (["solve", "nope", "--n-var", "10", "--max-evals", "100", "--out", "{tmp}/x"], "unknown problem 'nope'"),
    (["solve", "zdt1", "--algo", "nope", "--max-evals", "100", "--out", "{tmp}/x"], "unknown algorithm 'nope'"),
    (["solve", "zdt1", "--n-var", "0", "--max-evals", "100", "--out", "{tmp}/x"], "expected a positive integer"),
    (["solve", "zdt1", "--n-var", "abc", "--max-evals", "100", "--out", "{tmp}/x"], "expected a positive integer"),
    (["solve", "zdt1", "--max-evals", "-5", "--out", "{tmp}/x"], "expected a positive integer"),
    (["solve", "zdt1", "--pop-size", "1.5", "--max-evals", "100", "--out", "{tmp}/x"], "expected a positive integer"),
    (["solve", "zdt1", "--seed", "x", "--max-evals", "100", "--out", "{tmp}/x"], "seed"),
    (["solve", "zdt1", "--n-obj", "3", "--max-evals", "100", "--out", "{tmp}/x"], "zdt1 has exactly 2 objectives"),
    (["solve", "zdt1", "--max-evals", "100", "--out", "{tmp}/afile/x"], "cannot write to output directory"),
    (["solve", "zdt1", "--out", "{tmp}/x"], "give a budget"),
    (["show", "{tmp}/missing"], "not a finished lsmoo run directory"),
])
def test_bad_input_one_line_error(tmp_path, args, message):
    (tmp_path / "afile").write_text("not a directory")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    proc = lsmoo_cli(*args)
    assert proc.returncode != 0
    err = proc.stderr.strip()
    assert "Traceback" not in proc.stderr
    assert len(err.splitlines()) == 1, err
    assert message in err
    assert not (tmp_path / "x" / "meta.json").exists()


def test_no_command_prints_help():
    proc = lsmoo_cli()
    assert proc.returncode == 2 and "solve" in proc.stdout


@pytest.mark.parametrize("algo", ["hierarchical", "sparseea"])
def test_solve_sparse_algorithms_from_cli(tmp_path, algo):
    out = tmp_path / algo
    rc = main(["solve", "smop1", "--n-var", "100", "--algo", algo, "--max-evals", "2500", "--seed", "1",
               "--out", str(out), "--quiet"])
    assert rc == 0
    meta = json.loads((out / "meta.json").read_text())
    assert meta["algo"] == algo and meta["evaluations"] == 2500
    hist = (out / "history.csv").read_text().splitlines()
    assert hist[0].endswith(",phase")


def test_demo_runs_embedded_default(tmp_path):
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "--max-evals", "1500", "--quiet"]) == 0
    meta = json.loads((out / "meta.json").read_text())
    assert meta["problem"] == "smop1" and meta["n_var"] == 1000


def test_progress_bar_on_stderr_unless_quiet(tmp_path, capsys):
    args = ["solve", "zdt1", "--n-var", "10", "--max-evals", "600", "--pop-size", "20", "--out", str(tmp_path / "a")]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "600/600" in err and "IGD=" in err and "gen=" in err
    assert main(args[:-1] + [str(tmp_path / "b"), "--quiet"]) == 0
    assert capsys.readouterr().err == ""
