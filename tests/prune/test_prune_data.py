import gzip
import struct

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from lsmoo_prune import data


def _write_idx(path, arr):
    arr = np.asarray(arr, dtype=np.uint8)
    head = bytes([0, 0, 8, arr.ndim]) + struct.pack(">" + "I" * arr.ndim, *arr.shape)
    with gzip.open(path, "wb") as f:
        f.write(head + arr.tobytes())


@pytest.fixture
def fake_fashion(tmp_path):
    rng = np.random.default_rng(0)
    _write_idx(tmp_path / "train-images-idx3-ubyte.gz", rng.integers(0, 256, (60, 28, 28)))
    _write_idx(tmp_path / "train-labels-idx1-ubyte.gz", rng.integers(0, 10, 60))
    _write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", rng.integers(0, 256, (20, 28, 28)))
    _write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", rng.integers(0, 10, 20))
    return tmp_path


def test_idx_reader_roundtrip(tmp_path):
    a = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    _write_idx(tmp_path / "x.gz", a)
    assert np.array_equal(data.read_idx(tmp_path / "x.gz"), a)


def test_idx_reader_rejects_garbage(tmp_path):
    (tmp_path / "bad.gz").write_bytes(gzip.compress(b"\x01\x02\x03\x04hello"))
    with pytest.raises(data.DatasetError, match="IDX"):
        data.read_idx(tmp_path / "bad.gz")


def test_fashion_from_folder_and_split(fake_fashion):
    s = data.load("fashion-mnist", root=fake_fashion, val_size=10, seed=3)
    assert s.train_x.shape == (50, 1, 28, 28) and s.val_x.shape == (10, 1, 28, 28)
    assert s.test_x.shape == (20, 1, 28, 28) and s.num_classes == 10
    assert abs(float(s.train_x.mean())) < 1e-4                   # normalised by the training mean/std
    s2 = data.load("fashion-mnist", root=fake_fashion, val_size=10, seed=3)
    assert torch.equal(s.val_x, s2.val_x)                          # seeded split
    s3 = data.load("fashion-mnist", root=fake_fashion, val_size=10, seed=4)
    assert not torch.equal(s.val_x, s3.val_x)
    assert s.describe()["normalize"] == [s.mean, s.std]


def test_val_split_is_disjoint_from_train(fake_fashion):
    raw = data.load_fashion_raw(fake_fashion)[0].reshape(60, -1)
    s = data.load("fashion-mnist", root=fake_fashion, val_size=10, seed=0)
    m, sd = s.mean[0], s.std[0]
    back = lambda t: np.rint((t.numpy() * sd + m) * 255).astype(np.uint8).reshape(len(t), -1)
    tr = {r.tobytes() for r in back(s.train_x)}
    va = {r.tobytes() for r in back(s.val_x)}
    assert not tr & va and len(tr | va) == len({r.tobytes() for r in raw})


def test_missing_fashion_says_what_to_install(tmp_path):
    with pytest.raises(data.DatasetError, match="apt-get install dataset-fashion-mnist"):
        data.load("fashion-mnist", root=tmp_path / "nowhere")


@pytest.mark.parametrize("which,nc", [("cifar10", 10), ("cifar100", 100)])
def test_cifar_reader_on_synthetic_batches(tmp_path, which, nc):
    data.write_cifar_like(tmp_path, which, n_train_per_batch=6, n_test=5)
    s = data.load(which, root=tmp_path, val_size=4, seed=0)
    assert s.train_x.shape == (26, 3, 32, 32) and s.val_x.shape[0] == 4 and s.test_x.shape == (5, 3, 32, 32)
    assert s.num_classes == nc and len(s.mean) == 3


def test_cifar_planar_layout(tmp_path):
    import pickle
    base = data.write_cifar_like(tmp_path, "cifar10", n_train_per_batch=2, n_test=2)
    d = {"data": np.zeros((2, 3072), np.uint8), "labels": [1, 2]}
    d["data"][0, 1024:2048] = 255                                   # green plane of image 0
    with open(base / "test_batch", "wb") as f:
        pickle.dump(d, f)
    x, y, xt, yt, _ = data.load_cifar_raw(tmp_path, "cifar10")
    assert xt[0, 1].min() == 255 and xt[0, 0].max() == 0 and xt[0, 2].max() == 0
    assert list(yt) == [1, 2]


def test_missing_cifar_explains_layout(tmp_path):
    with pytest.raises(data.DatasetError, match="cifar-10-batches-py"):
        data.load("cifar10", root=tmp_path)
    base = data.write_cifar_like(tmp_path, "cifar10")
    (base / "data_batch_3").unlink()
    with pytest.raises(data.DatasetError, match="data_batch_3"):
        data.load("cifar10", root=tmp_path)


def test_unknown_dataset():
    with pytest.raises(data.DatasetError, match="unknown dataset"):
        data.load("imagenet")


def test_digits(digits_splits):
    s = digits_splits
    assert s.input_shape == (1, 8, 8) and len(s.test_y) == 500 and len(s.val_y) == 300
    assert len(s.train_y) + len(s.val_y) + len(s.test_y) == 1797
