import csv
import json

import numpy as np
import pytest

from lsmoo.bench import holm, run_grid
from lsmoo.cli import main
from lsmoo.errors import LsmooError


def test_holm_matches_hand_computation():
    # p sorted: 0.01 (x3 = 0.03), 0.02 (x2 = 0.04), 0.04 (x1 = 0.04, running max)
    assert list(holm([0.04, 0.01, 0.02])) == pytest.approx([0.04, 0.03, 0.04])


def test_bench_grid_writes_tables_and_resumes(tmp_path, capsys):
    out = tmp_path / "b"
    args = ["bench", "--problems", "zdt1,smop1", "--n-var", "12", "--algos", "nsga2,hierarchical",
            "--runs", "2", "--max-evals", "400", "--out", str(out)]
    assert main(args) == 0
    rows = list(csv.DictReader(open(out / "summary.csv")))
    assert [(r["problem"], r["algo"]) for r in rows] == [("zdt1", "nsga2"), ("zdt1", "hierarchical"),
                                                        ("smop1", "nsga2"), ("smop1", "hierarchical")]
    assert all(int(r["runs"]) == 2 and int(r["evaluations"]) == 400 for r in rows)
    assert rows[0]["mark"] == "" and rows[1]["mark"] in "+=−"
    md = (out / "summary.md").read_text()
    assert md.count("|") > 10
    rows_by = {(r["problem"], r["algo"]): float(r["igd_median"]) for r in rows}
    lower = sum(rows_by[(p, "nsga2")] < rows_by[(p, "hierarchical")] for p in ("zdt1", "smop1"))
    assert f"(median IGD lower on {lower}, higher on {2 - lower} of 2)" in md
    assert "With 2 runs per cell the smallest p-value" in md and "no mark can differ from =" in md
    assert (out / "convergence_zdt1.png").is_file()
    cell = out / "runs" / "zdt1" / "nsga2" / "seed1.json"
    first = json.loads(cell.read_text())
    stamp = cell.stat().st_mtime_ns
    capsys.readouterr()
    assert main(args) == 0  # resumed: nothing rerun
    assert "8 cells done, 0 to run" in capsys.readouterr().out
    assert cell.stat().st_mtime_ns == stamp
    # a rerun of one cell with its recorded seed gives the recorded numbers
    cell.unlink()
    assert main(args + ["--quiet"]) == 0
    assert json.loads(cell.read_text())["igd"] == first["igd"]


def test_bench_bad_input():
    with pytest.raises(LsmooError, match="unknown problem"):
        run_grid(["nope"], ["nsga2"], 10, None, 1, 100, "/tmp/never")
    with pytest.raises(LsmooError, match="baseline"):
        run_grid(["zdt1"], ["nsga2"], 10, None, 1, 100, "/tmp/never", baseline="sparseea")
    assert main(["bench", "--max-evals", "10", "--out", "/tmp/never"]) == 1


def test_bench_no_run_summarizes_the_finished_cells(tmp_path, capsys):
    out = tmp_path / "b"
    base = ["bench", "--problems", "zdt1,zdt2", "--n-var", "12", "--runs", "2", "--max-evals", "300",
            "--out", str(out), "--quiet"]
    assert main(base + ["--algos", "nsga2"]) == 0
    (out / "runs" / "zdt2" / "nsga2" / "seed2.json").unlink()  # an interrupted grid
    assert main(base + ["--algos", "nsga2,sparseea", "--no-run"]) == 0
    assert not (out / "runs" / "zdt1" / "sparseea").exists()  # nothing was run
    assert not (out / "runs" / "zdt2" / "nsga2" / "seed2.json").exists()
    rows = {(r["problem"], r["algo"]): r for r in csv.DictReader(open(out / "summary.csv"))}
    assert rows[("zdt1", "nsga2")]["runs"] == "2" and rows[("zdt2", "nsga2")]["runs"] == "1"
    assert rows[("zdt1", "sparseea")]["runs"] == "0"
    md = (out / "summary.md").read_text()
    assert md.count("not run") == 2 and "(1 of 2 runs)" in md
    assert "nsga2 vs sparseea: +0 =0 −0 (median IGD lower on 0, higher on 0 of 0)" in md
    assert main(base + ["--algos", "sparseea", "--no-run"]) == 1  # no finished cell at all
    assert "no finished cells" in capsys.readouterr().err


def test_front_view_zooms_only_when_points_lie_far_from_the_pareto_front():
    from lsmoo.bench import front_view

    pf = np.column_stack([np.linspace(0, 1, 11), 1 - np.linspace(0, 1, 11)])
    near = pf + 0.1
    box, off = front_view(pf, [near])
    assert box is None and off == [0]  # everything within the box: plot it all
    far = np.array([[0.5, 0.6], [6e5, 0.0], [0.2, -0.2]])
    box, off = front_view(pf, [near, far])
    assert box == (pytest.approx((-0.05, 2.0)), pytest.approx((-0.05, 2.0)))
    assert off == [0, 2]  # the point at f1 = 6e5 and the one below the ideal point
    assert front_view(None, [far]) == (None, [0])
