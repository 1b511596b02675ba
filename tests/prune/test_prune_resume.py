"""Checkpoint/resume of ``lsmoo prune`` (issue 7): an interrupted and resumed search ends with the same
pareto.csv as an uninterrupted one; bad resumes are one-line errors."""
import json
import os
import signal

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("sklearn")

from lsmoo.checkpoint import RunInterrupted
from lsmoo.cli import main
from lsmoo_prune import pipeline
from lsmoo_prune.search import PruneSearch

TINY = ["--dataset", "digits", "--width", "4", "--epochs", "3", "--max-evals", "60", "--pop-size", "10",
        "--eval-size", "100", "--calib-size", "32", "--max-networks", "3", "--threads", "1", "--quiet",
        "--seed", "0", "--seeds", "magnitude"]


def _settings(out, cache_dir, **kw):
    s = pipeline.Settings(dataset="digits", width=4, epochs=3, max_evals=60, pop_size=10, eval_size=100,
                          calib_size=32, max_networks=3, threads=1, progress=False, seed=0, out=str(out),
                          cache_dir=str(cache_dir), seeds="magnitude")
    for k, v in kw.items():
        setattr(s, k, v)
    return s


def _sigint_at(gen):
    def cb(algo, rec):
        if rec["gen"] == gen:
            os.kill(os.getpid(), signal.SIGINT)   # the engine's guard catches it: checkpoint, then stop
    return cb


@pytest.fixture(scope="module")
def reference(tmp_path_factory, cache_dir):
    out = tmp_path_factory.mktemp("prune_ref")
    meta = pipeline.run(_settings(out, cache_dir, race_size=50))
    return out, meta


def test_interrupted_and_resumed_equals_uninterrupted(reference, tmp_path, cache_dir):
    ref, ref_meta = reference
    out = tmp_path / "run"
    with pytest.raises(RunInterrupted):
        pipeline.run(_settings(out, cache_dir, race_size=50, checkpoint_every=2, callback=_sigint_at(3)))
    assert (out / "checkpoint.npz").exists() and not (out / "meta.json").exists()
    saved = pipeline.read_checkpoint_settings(out / "checkpoint.npz")
    assert saved["_n_gen"] == 3 and 0 < saved["_n_evals"] < 60
    meta = pipeline.run(_settings(out, cache_dir, race_size=50, checkpoint_every=2, resume=True))
    assert (out / "pareto.csv").read_bytes() == (ref / "pareto.csv").read_bytes()
    assert (out / "baseline.csv").read_bytes() == (ref / "baseline.csv").read_bytes()
    for r in ref_meta["pareto"]:
        a, b = np.load(ref / "masks" / f"{r['id']}.npz"), np.load(out / "masks" / f"{r['id']}.npz")
        assert all(np.array_equal(a[k], b[k]) for k in a.files)
    # the evaluator's cache and counters travelled with the checkpoint (racing depends on them)
    ev_ref, ev = ref_meta["search"]["evaluator"], meta["search"]["evaluator"]
    assert {k: ev[k] for k in ("evaluations", "cache_hits", "raced_out", "images")} == \
           {k: ev_ref[k] for k in ("evaluations", "cache_hits", "raced_out", "images")}
    assert meta["search"]["evaluations"] == ref_meta["search"]["evaluations"]


def test_resume_of_a_finished_search_only_redoes_the_export(reference, cache_dir, tmp_path):
    ref, _ = reference
    out = tmp_path / "copy"
    out.mkdir()
    (out / "checkpoint.npz").write_bytes((ref / "checkpoint.npz").read_bytes())   # written at the end
    pipeline.run(_settings(out, cache_dir, race_size=50, resume=True))
    assert (out / "pareto.csv").read_bytes() == (ref / "pareto.csv").read_bytes()


def test_cli_sigint_prints_how_to_resume(cache_dir, tmp_path, monkeypatch, capsys):
    out = tmp_path / "cli"
    args = ["prune", *TINY, "--cache-dir", str(cache_dir), "--out", str(out)]
    assert main(args + ["--checkpoint-every", "1"] + ["--out", str(tmp_path / "full")]) == 0
    tell = PruneSearch.tell

    def interrupting_tell(self, F, G=None):
        tell(self, F, G)
        if self.n_gen == 2:
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(PruneSearch, "tell", interrupting_tell)
    assert main(args + ["--checkpoint-every", "5"]) == 128 + signal.SIGINT
    err = capsys.readouterr().err
    assert "checkpoint saved to" in err and "--resume" in err and "Traceback" not in err
    monkeypatch.setattr(PruneSearch, "tell", tell)
    assert main(args + ["--checkpoint-every", "5", "--resume"]) == 0
    assert (out / "pareto.csv").read_bytes() == (tmp_path / "full" / "pareto.csv").read_bytes()
    meta = json.loads((out / "meta.json").read_text())
    assert meta["search"]["evaluations"] == 60


def test_bad_resumes_are_one_line_errors(reference, cache_dir, tmp_path, capsys):
    ref, _ = reference
    empty = tmp_path / "empty"
    assert main(["prune", *TINY, "--cache-dir", str(cache_dir), "--out", str(empty), "--resume"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no checkpoint to resume" in err

    changed = tmp_path / "changed"
    changed.mkdir()
    (changed / "checkpoint.npz").write_bytes((ref / "checkpoint.npz").read_bytes())
    args = ["prune", *TINY, "--race-size", "50", "--cache-dir", str(cache_dir), "--out", str(changed), "--resume"]
    assert main([a if a != "100" else "120" for a in args]) == 1            # --eval-size 120
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "different arguments" in err and "--eval-size: 100 in the checkpoint, 120 now" in err
    assert main(args + ["--importance", "lamp"]) == 1
    assert "--importance: 'magnitude' in the checkpoint, 'lamp' now" in capsys.readouterr().err

    (changed / "checkpoint.npz").write_bytes(b"garbage")
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "damaged" in err

    other = tmp_path / "other"
    assert main(["solve", "zdt1", "--n-var", "5", "--max-evals", "200", "--out", str(other), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["prune", *TINY, "--cache-dir", str(cache_dir), "--out", str(other), "--resume"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a checkpoint of lsmoo prune" in err
