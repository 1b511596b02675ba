"""Checkpoint/resume: explicit state round-trips exactly, and an interrupted run resumed from its
checkpoint reaches the bit-identical result of an uninterrupted one (all algorithms, every stage)."""
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import lsmoo
from lsmoo import checkpoint as ckpt
from lsmoo.cli import main
from lsmoo.errors import CheckpointError, ConfigError

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

# (problem, n_var, algorithm, settings, budget): together they cover NSGA-II real and binary, SparseEA
# with probes (real, binary), and the hierarchical engine in every stage (multi-round probes, sampled
# importance, phase 1, phase 2 with NSGA-II and with MOEA/D selection; the dense path's pivots; the probe
# round after a collapsed Phase 1).
CASES = {
    "nsga2-real": ("zdt1", 12, "nsga2", {}, 400),
    "nsga2-binary": ("zdt5", None, "nsga2", {"crossover": "two_point"}, 400),
    "sparseea-real": ("smop1", 40, "sparseea", {}, 700),
    "sparseea-binary": ("zdt5", None, "sparseea", {}, 500),
    "hier-probe": ("smop1", 40, "hierarchical", {}, 1200),
    "hier-sample-moead": ("smop2", 40, "hierarchical", {"importance": "sample", "selection": "moead"}, 800),
    "hier-dense": ("lsmop1", 40, "hierarchical", {}, 1500),
    "hier-collapse": ("zdt4", 200, "hierarchical", {}, 600),  # sampled importance, Phase 1 collapses, probe round
    "hier-dense-full": ("lsmop1", 120, "hierarchical", {"sweep_rows": 40}, 1200),  # 1 pivot, 1 row per variable
    "hier-local": ("smop1", 40, "hierarchical", {}, 2000),  # the local probe before Phase 2 (2·D ≤ 5 % of 2000)
}


def make(case):
    name, n_var, algo, kw, budget = CASES[case]
    prob = lsmoo.get_problem(name) if n_var is None else lsmoo.get_problem(name, n_var=n_var)
    return prob, algo, kw, budget


def run(case, **extra):
    prob, algo, kw, budget = make(case)
    return lsmoo.minimize(prob, algo, max_evals=budget, pop_size=10, seed=7, indicators_every=1, **kw, **extra)


def same_result(a, b):
    assert np.array_equal(a.X, b.X) and np.array_equal(a.F, b.F)
    assert np.array_equal(a.pop_X, b.pop_X) and np.array_equal(a.pop_F, b.pop_F)
    assert a.evaluations == b.evaluations and a.generations == b.generations
    keys = ("gen", "evaluations", "front_size", "hv", "igd", "igd_plus", "phase")
    assert [[h[k] for k in keys] for h in a.history] == [[h[k] for k in keys] for h in b.history]


def assert_state_equal(s1, s2, where="state"):
    assert type(s1) is type(s2), (where, type(s1), type(s2))
    if isinstance(s1, np.ndarray):
        assert s1.dtype == s2.dtype and s1.shape == s2.shape and np.array_equal(s1, s2, equal_nan=True), where
    elif isinstance(s1, dict):
        assert s1.keys() == s2.keys(), where
        for k in s1:
            assert_state_equal(s1[k], s2[k], f"{where}.{k}")
    elif isinstance(s1, (list, tuple)):
        assert len(s1) == len(s2), where
        for i, (x, y) in enumerate(zip(s1, s2)):
            assert_state_equal(x, y, f"{where}[{i}]")
    elif isinstance(s1, np.random.Generator):
        assert s1.bit_generator.state == s2.bit_generator.state, where
    elif isinstance(s1, float) and np.isnan(s1):
        assert np.isnan(s2), where
    else:
        assert s1 == s2, where


@pytest.mark.parametrize("case", sorted(CASES))
def test_state_round_trips_exactly_every_generation(case, tmp_path):
    """After every generation: state → npz+JSON file → state is exact, and the restored algorithm
    asks for exactly the same next batch as the original."""
    prob, algo_name, kw, budget = make(case)
    algo = lsmoo.registry.get_algorithm(algo_name, pop_size=10, **kw)
    algo.setup(prob, seed=3, max_evals=budget)
    stages = set()
    path = tmp_path / "state.npz"
    while algo.n_evals < budget:
        X = algo.ask(budget - algo.n_evals)
        algo.tell(*prob.evaluate_checked(X))
        stages.add(getattr(algo, "phase", None))
        arrays = {}
        tree = ckpt.encode(algo.state_dict(), arrays, "algorithm")
        ckpt.write(path, {"format": ckpt.FORMAT, "algorithm": tree}, arrays)
        meta, arrays2 = ckpt.read(path)
        twin = lsmoo.registry.get_algorithm(algo_name, pop_size=10, **kw)
        twin.setup(prob, seed=99, max_evals=budget)  # a different seed: the RNG state must come from the file
        twin.load_state_dict(ckpt.decode(meta["algorithm"], arrays2))
        assert_state_equal(algo.state_dict(), twin.state_dict())
        if algo.n_evals < budget:
            left = budget - algo.n_evals
            Xa, Xb = algo.ask(left), twin.ask(left)
            assert np.array_equal(Xa, Xb)
            # forget this ask: continue from the saved (pre-ask) state, so the loop asks again
            algo.load_state_dict(ckpt.decode(meta["algorithm"], arrays2))
    if algo_name == "hierarchical":
        dense = algo.path == "dense"
        local = {"local probe"} if algo.local_probe_share * budget >= 2 * prob.n_var else set()
        assert stages == ({"phase1", "phase2"} if dense else {"importance", "phase1", "phase2"} | local)


def _boundaries(history, extra=(1, 2)):
    """Generations to interrupt at: the first ones, each phase change (and the one after), the last."""
    gens = set(extra) | {len(history) - 1}
    for i in range(1, len(history)):
        if history[i]["phase"] != history[i - 1]["phase"]:
            gens |= {i, i + 1}
    return sorted(g for g in gens if 1 <= g < len(history))


@pytest.mark.parametrize("case", ["nsga2-real", "sparseea-real", "hier-probe", "hier-sample-moead", "hier-collapse",
                                  "hier-local"])
def test_interrupt_and_resume_is_bit_identical(case, tmp_path):
    full = run(case)
    for k in _boundaries(full.history):
        d = tmp_path / f"k{k}"
        part = run(case, checkpoint=d, callback=lambda a, r, k=k: r["gen"] >= k)
        assert part.generations == k and (d / "checkpoint.npz").is_file()
        same_result(full, run(case, checkpoint=d, resume=True))


def test_periodic_checkpoint_survives_a_crash(tmp_path):
    full = run("hier-probe")

    def crash(algo, rec):
        if rec["gen"] == 11:
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError, match="power cut"):
        run("hier-probe", checkpoint=tmp_path, checkpoint_every=4, callback=crash)
    meta, _ = ckpt.read(tmp_path / "checkpoint.npz")
    assert meta["n_gen"] == 8  # the last multiple of 4 before the crash
    resumed = run("hier-probe", checkpoint=tmp_path, checkpoint_every=4, resume=True)
    same_result(full, resumed)
    assert resumed.wall_seconds >= meta["elapsed_s"]
    assert not list(tmp_path.glob(".*.tmp"))  # no temp files left behind


def test_resuming_a_finished_run_returns_its_result(tmp_path):
    a = run("nsga2-real", checkpoint=tmp_path)
    b = run("nsga2-real", checkpoint=tmp_path, resume=True)
    same_result(a, b)


@pytest.mark.parametrize("change, message", [
    (dict(seed=8), "seed: 7 in the checkpoint, 8 now"),
    (dict(max_evals=500), "termination.max_evals: 400 in the checkpoint, 500 now"),
    (dict(pop_size=12), "algorithm.pop_size"),
    (dict(eta_c=5.0), "algorithm.eta_c"),
    (dict(problem=lsmoo.get_problem("zdt1", n_var=13)), "problem.n_var"),
    (dict(problem=lsmoo.get_problem("zdt2", n_var=12)), "problem.name"),
])
def test_resume_with_different_arguments_is_refused(tmp_path, change, message):
    run("nsga2-real", checkpoint=tmp_path, callback=lambda a, r: r["gen"] >= 3)
    kw = dict(max_evals=400, pop_size=10, seed=7, checkpoint=tmp_path, resume=True)
    kw.update(change)
    prob = kw.pop("problem", lsmoo.get_problem("zdt1", n_var=12))
    with pytest.raises(CheckpointError, match="different arguments") as info:
        lsmoo.minimize(prob, "nsga2", **kw)
    assert message in str(info.value)


@pytest.mark.parametrize("damage", ["missing", "garbage", "truncated", "empty", "bad-json"])
def test_missing_or_damaged_checkpoint_is_a_clear_error(tmp_path, damage):
    run("nsga2-real", checkpoint=tmp_path, callback=lambda a, r: r["gen"] >= 3)
    f = tmp_path / "checkpoint.npz"
    data = f.read_bytes()
    if damage == "missing":
        f.unlink()
    elif damage == "garbage":
        f.write_bytes(b"not a checkpoint")
    elif damage == "truncated":
        f.write_bytes(data[: len(data) // 2])
    elif damage == "empty":
        f.write_bytes(b"")
    else:
        ckpt.write(f, {"format": ckpt.FORMAT, "fingerprint": {}}, {})
    with pytest.raises(CheckpointError, match="no checkpoint|damaged|different arguments"):
        run("nsga2-real", checkpoint=tmp_path, resume=True)


def test_resume_needs_a_checkpoint_directory(sphere2):
    with pytest.raises(ConfigError, match="need checkpoint=DIR"):
        lsmoo.minimize(sphere2, "nsga2", max_evals=100, resume=True)
    with pytest.raises(ConfigError, match="checkpoint_every"):
        lsmoo.minimize(sphere2, "nsga2", max_evals=100, checkpoint="x", checkpoint_every=-1)


def test_unsupported_state_is_refused_by_name(sphere2, tmp_path):
    algo = lsmoo.NSGA2(pop_size=10)
    algo.setup(sphere2, seed=1)
    algo.helper = object()
    with pytest.raises(CheckpointError, match=r"algorithm\['helper'\].*object"):
        ckpt.encode(algo.state_dict(), {}, "algorithm")


SIGNAL_SCRIPT = r"""
import os, signal, sys
import lsmoo
prob = lsmoo.get_problem("zdt1", n_var=12)
def cb(algo, rec):
    if rec["gen"] == 9:
        os.kill(os.getpid(), signal.SIGTERM)
try:
    lsmoo.minimize(prob, "nsga2", max_evals=400, pop_size=10, seed=7, indicators_every=1,
                   checkpoint=sys.argv[1], callback=cb)
except lsmoo.checkpoint.RunInterrupted as exc:
    print("interrupted", exc.signame, file=sys.stderr)
    sys.exit(3)
"""


def test_sigterm_writes_checkpoint_then_resume_is_identical(tmp_path):
    """A real SIGTERM in a subprocess: the generation finishes, the checkpoint is written, the run
    stops; resuming here gives the uninterrupted result."""
    script = tmp_path / "run.py"
    script.write_text(SIGNAL_SCRIPT)
    proc = subprocess.run([sys.executable, str(script), str(tmp_path / "ck")], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert proc.returncode == 3, proc.stderr
    assert "interrupted SIGTERM" in proc.stderr and "Traceback" not in proc.stderr
    meta, _ = ckpt.read(tmp_path / "ck" / "checkpoint.npz")
    assert meta["n_gen"] == 9
    same_result(run("nsga2-real"), run("nsga2-real", checkpoint=tmp_path / "ck", resume=True))


def _error_lines(stderr):
    """stderr without warnings about plugins that fail to load (not what these tests are about)."""
    return [ln for ln in stderr.strip().splitlines()
            if ln.strip() and "could not be loaded" not in ln and "could not load" not in ln
            and not ln.strip().startswith("warnings.warn(")]


def test_cli_sigint_then_resume_matches_uninterrupted(tmp_path):
    args = ["solve", "zdt1", "--n-var", "12", "--max-evals", "4000", "--pop-size", "10", "--seed", "4",
            "--quiet", "--checkpoint-every", "20"]
    out = tmp_path / "run"
    proc = subprocess.Popen([sys.executable, "-m", "lsmoo", *args, "--out", str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    deadline = time.time() + 60
    while not (out / "checkpoint.npz").exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    lines = _error_lines(err)
    assert "Traceback" not in err and len(lines) == 2, err  # "SIGINT received: checkpointing ..." then the result
    assert "SIGINT received" in lines[0] and "SIGINT" in lines[1] and "--resume" in lines[1], err
    assert not (out / "meta.json").exists()  # not finished: does not look complete
    ref = tmp_path / "ref"
    assert main(args + ["--out", str(ref)]) == 0
    assert main(args + ["--out", str(out), "--resume"]) == 0
    assert (out / "front.csv").read_bytes() == (ref / "front.csv").read_bytes()
    with np.load(out / "result.npz") as a, np.load(ref / "result.npz") as b:
        assert all(np.array_equal(a[k], b[k]) for k in ("X", "F", "pop_X", "pop_F"))


@pytest.mark.parametrize("setup, message", [
    ("missing", "no checkpoint to resume"),
    ("garbage", "is damaged"),
    ("other-seed", "different arguments: seed"),
])
def test_cli_resume_errors_are_one_line(tmp_path, setup, message, capsys):
    out = tmp_path / "run"
    base = ["solve", "zdt1", "--n-var", "12", "--max-evals", "200", "--pop-size", "10", "--quiet", "--out", str(out)]
    if setup != "missing":
        assert main(base) == 0
        if setup == "garbage":
            (out / "checkpoint.npz").write_bytes(b"\x00garbage")
    capsys.readouterr()
    rc = main(base + ["--resume"] + (["--seed", "2"] if setup == "other-seed" else []))
    err = capsys.readouterr().err
    lines = _error_lines(err)
    assert rc == 1 and len(lines) == 1 and message in lines[0], err
    assert not (out / "meta.json").exists()
