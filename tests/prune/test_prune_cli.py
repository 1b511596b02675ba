import csv
import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("sklearn")

from lsmoo.cli import main
from lsmoo_prune import interop, models

TINY = ["--dataset", "digits", "--width", "4", "--epochs", "3", "--max-evals", "30", "--pop-size", "10",
        "--eval-size", "100", "--calib-size", "32", "--max-networks", "4", "--threads", "1", "--quiet"]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory, cache_dir):
    out = tmp_path_factory.mktemp("prune_run")
    rc = main(["prune", *TINY, "--cache-dir", str(cache_dir), "--seed", "0", "--out", str(out),
               "--finetune-epochs", "1"])
    assert rc == 0
    return out


def test_run_directory(run_dir, capsys):
    with open(run_dir / "pareto.csv") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["id", "remaining", "val_error", "val_error_rest", "test_accuracy", "params_nonzero",
                             "macs_nonzero", "seed", "picked_for"]
    meta = json.loads((run_dir / "meta.json").read_text())
    assert meta["normalize"][0] == pytest.approx(meta["data"]["normalize"][0][0])
    assert len(meta["comparison"]) == 4 and (run_dir / "front.png").stat().st_size > 1000
    assert (run_dir / "baseline.csv").exists() and (run_dir / "finetune.csv").exists()
    b = meta["build"]
    for r in rows:
        net = models.build(b["name"], in_channels=b["in_channels"], num_classes=b["num_classes"], width=b["width"])
        net.load_state_dict(torch.load(run_dir / "models" / f"{r['id']}.pt", weights_only=True))
        masks = interop.load_masks_npz(run_dir / "masks" / f"{r['id']}.npz")
        params = dict(net.named_parameters())
        kept = sum(int(m.sum()) for m in masks.values())
        assert kept / meta["prunable_weights"] == pytest.approx(float(r["remaining"]), rel=1e-4)
        for n, m in masks.items():
            assert not params[n][~m].any()                              # zeros baked in
        assert sum(int((p != 0).sum()) for p in net.parameters()) <= int(r["params_nonzero"])
    dense = models.build(b["name"], in_channels=1, num_classes=10, width=4)
    dense.load_state_dict(torch.load(run_dir / "models" / "dense.pt", weights_only=True))


def test_export_pt_and_onnx(run_dir, tmp_path, capsys):
    rid = json.loads((run_dir / "meta.json").read_text())["pareto"][0]["id"]
    assert main(["prune", "export", str(run_dir), "--id", rid, "--format", "pt", "--to", str(tmp_path / "a.pt")]) == 0
    assert (tmp_path / "a.pt").exists()
    rc = main(["prune", "export", str(run_dir), "--id", rid, "--format", "onnx", "--to", str(tmp_path / "a.onnx")])
    err = capsys.readouterr().err
    assert rc == 0 and (tmp_path / "a.onnx").exists() or (rc == 1 and "ONNX export failed" in err)
    if rc == 0:
        onnx = pytest.importorskip("onnx")
        onnx.checker.check_model(onnx.load(str(tmp_path / "a.onnx")))
    assert main(["prune", "export", str(run_dir), "--id", "nope"]) == 1
    assert "no network 'nope'" in capsys.readouterr().err


def test_one_line_errors(tmp_path, capsys):
    assert main(["prune", "--dataset", "digits", "--quiet"]) == 1
    assert "needs --out" in capsys.readouterr().err
    assert main(["prune", "--dataset", "cifar10", "--data-root", str(tmp_path), "--out", str(tmp_path / "o"), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cifar-10-batches-py" in err
    assert main(["prune", "--model", "resnet21", "--dataset", "digits", "--out", str(tmp_path / "o"), "--quiet"]) == 1
    assert "unknown model" in capsys.readouterr().err
    assert main(["prune", "export", str(tmp_path / "none"), "--id", "p00"]) == 1


def test_train_command_uses_cache(cache_dir, tmp_path, capsys):
    args = ["prune", "train", "--dataset", "digits", "--width", "4", "--epochs", "3", "--seed", "0",
            "--cache-dir", str(cache_dir), "--quiet", "--save", str(tmp_path / "m.pt")]
    assert main(args) == 0
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "cache:" in out and (tmp_path / "m.pt").exists()
