"""Peer adapters (lsmoo.peers) and their use from `lsmoo bench`."""
import csv
import json
import subprocess
import sys

import numpy as np
import pytest

import lsmoo
from lsmoo import peers
from lsmoo.bench import run_grid
from lsmoo.cli import main
from lsmoo.errors import ConfigError

BUDGET, POP = 600, 20
# evomo evaluates whole steps: the run may pass the budget by less than one step's batch
EVOMO_STEP = {"evomo.lmocso": POP, "evomo.wof": POP + 10, "evomo.lsmof": 200, "evomo.sparseea": POP}
PYMOO_DEAP = ["pymoo.nsga2", "pymoo.moead", "deap.nsga2"]


def _needs(name):
    pytest.importorskip(peers.PEERS[name][0])


@pytest.fixture(scope="module")
def zdt1():
    return lsmoo.get_problem("zdt1", n_var=30)


@pytest.mark.parametrize("name", PYMOO_DEAP + list(EVOMO_STEP))
def test_peer_runs_within_budget_and_is_deterministic(name, zdt1):
    _needs(name)
    F, evals, curve = peers.run_peer(name, zdt1, BUDGET, 3, pop_size=POP)
    if name in EVOMO_STEP:
        assert BUDGET <= evals < BUDGET + EVOMO_STEP[name]
    else:
        assert evals == BUDGET
    assert F.ndim == 2 and F.shape[1] == 2 and 1 <= len(F) <= POP and np.isfinite(F).all()
    assert len(np.unique(F, axis=0)) == len(F)
    xs = [e for e, _ in curve]
    assert len(curve) >= 5 and xs == sorted(set(xs)) and xs[-1] == evals
    assert curve[-1][1] == pytest.approx(lsmoo.igd(F, zdt1.pareto_front()))
    F2, evals2, curve2 = peers.run_peer(name, zdt1, BUDGET, 3, pop_size=POP)
    assert evals2 == evals and np.array_equal(F, F2) and curve2 == curve


@pytest.mark.parametrize("name", ["pymoo.nsga2", "deap.nsga2"])
def test_peer_budget_not_a_multiple_of_the_population(name, zdt1):
    _needs(name)
    F, evals, curve = peers.run_peer(name, zdt1, 250, 1, pop_size=POP)
    assert evals == 250 and curve[-1][0] == 250


def test_peer_seeds_differ_and_global_rngs_untouched(zdt1):
    _needs("deap.nsga2")
    import random

    random.seed(123)
    expect = random.random()
    random.seed(123)
    F1, _, _ = peers.run_peer("deap.nsga2", zdt1, 200, 1, pop_size=POP)
    assert random.random() == expect  # DEAP's seeding of `random` is undone afterwards
    F2, _, _ = peers.run_peer("deap.nsga2", zdt1, 200, 2, pop_size=POP)
    assert not np.array_equal(F1, F2)


@pytest.mark.parametrize("name", ["pymoo.nsga2", "pymoo.moead", "deap.nsga2"])
def test_binary_problems_use_binary_operators(name):
    _needs(name)
    p = lsmoo.get_problem("zdt5")  # binary, 80 bits
    F, evals, curve = peers.run_peer(name, p, 200, 1, pop_size=POP)
    assert evals == 200 and F.shape[1] == 2 and len(F) >= 1 and curve


@pytest.mark.parametrize("name", list(EVOMO_STEP))
def test_evomo_refuses_binary_problems(name):
    _needs(name)
    with pytest.raises(peers.PeerUnsupported, match="real-coded only"):
        peers.run_peer(name, lsmoo.get_problem("zdt5"), 200, 1, pop_size=POP)


def test_budget_too_small_for_the_first_population(zdt1):
    _needs("pymoo.nsga2")
    with pytest.raises(peers.PeerUnsupported, match="budget 50"):
        peers.run_peer("pymoo.nsga2", zdt1, 50, 1)


def test_unknown_and_missing_peers(monkeypatch):
    with pytest.raises(ConfigError, match="known peers: pymoo.nsga2"):
        peers.check_peer("pymoo.nsga3")
    monkeypatch.setattr(peers.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ConfigError, match=r"pip install 'lsmoo\[peers\]'"):
        peers.check_peer("deap.nsga2")
    with pytest.raises(ConfigError, match=r"pip install 'lsmoo\[peers-evomo\]'"):
        run_grid(["zdt1"], ["nsga2", "evomo.lmocso"], 12, None, 1, 100, "/tmp/never")


def test_lsmoo_imports_no_peer_library():
    code = ("import sys, lsmoo, lsmoo.bench, lsmoo.peers, lsmoo.cli; "
            "bad = [m for m in ('pymoo', 'deap', 'evomo', 'evox', 'torch') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_bench_grid_with_peers(tmp_path):
    for name in ("pymoo.nsga2", "deap.nsga2"):
        _needs(name)
    out = tmp_path / "b"
    args = ["bench", "--problems", "zdt1", "--n-var", "12", "--algos", "nsga2,pymoo.nsga2,deap.nsga2",
            "--runs", "2", "--max-evals", "400", "--out", str(out), "--quiet"]
    assert main(args) == 0
    rows = list(csv.DictReader(open(out / "summary.csv")))
    assert [r["algo"] for r in rows] == ["nsga2", "pymoo.nsga2", "deap.nsga2"]
    assert all(int(r["runs"]) == 2 and int(r["evaluations"]) == 400 for r in rows)
    assert all(r["mark"] in "+=−" for r in rows[1:])
    rec = json.loads((out / "runs" / "zdt1" / "pymoo.nsga2" / "seed1.json").read_text())
    assert rec["peer_version"].startswith("pymoo ") and rec["wall_s"] > 0 and rec["curve"]
    assert "peer_version" not in json.loads((out / "runs" / "zdt1" / "nsga2" / "seed1.json").read_text())
    assert main(["bench", "--problems", "zdt1", "--algos", "nsga2,pymoo.nope", "--max-evals", "100",
                 "--out", str(tmp_path / "c")]) == 1


def test_bench_records_a_skipped_peer(tmp_path):
    _needs("evomo.wof")
    rows = run_grid(["zdt5", "zdt1"], ["nsga2", "evomo.wof"], None, None, 1, 200, tmp_path, log=lambda *a: None)
    skip = next(r for r in rows if r["problem"] == "zdt5" and r["algo"] == "evomo.wof")
    assert skip["runs"] == 0 and "real-coded only" in skip["skipped"]
    rec = json.loads((tmp_path / "runs" / "zdt5" / "evomo.wof" / "seed1.json").read_text())
    assert rec["skipped"] and rec["igd"] is None and rec["peer_version"].startswith("evomo ")
    ran = next(r for r in rows if r["problem"] == "zdt1" and r["algo"] == "evomo.wof")
    assert ran["runs"] == 1 and ran["igd_median"] > 0
    assert "| zdt5 |" in (tmp_path / "summary.md").read_text()
    assert "skipped" in (tmp_path / "summary.md").read_text()
