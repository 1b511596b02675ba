"""Tests of the real sparse problems: feature selection (fs_*), sparse_sr, sparse_nn."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lsmoo
from lsmoo.errors import ProblemError
from lsmoo.problems import sparse_real
from lsmoo.problems.sparse_real import FeatureSelection, SparseNN, SparseSR, stratified_split

pytest.importorskip("sklearn")

NAMES = {"fs_digits": 64, "fs_breast_cancer": 30, "fs_wine": 13, "sparse_sr": 1024, "sparse_nn": 641}


@pytest.fixture(scope="module")
def digits():
    return lsmoo.get_problem("fs_digits")


@pytest.fixture(scope="module")
def cancer():
    return lsmoo.get_problem("fs_breast_cancer")


@pytest.fixture(scope="module")
def nn():
    return lsmoo.get_problem("sparse_nn")


def random_masks(rng, n, d, min_on=1):
    M = rng.random((n, d)) < rng.uniform(0.05, 0.9, (n, 1))
    for row in M:
        if row.sum() < min_on:
            row[rng.choice(d, min_on, replace=False)] = True
    return M


def knn_error_loop(p, mask):
    """Plain per-mask k-NN: exact distances, stable sort (ties → first training sample), vote ties → smallest label."""
    k = p.k
    if not mask.any():
        return p.empty_error
    T, V = p.X_train[:, mask], p.X_valid[:, mask]
    wrong = 0
    for v, yv in zip(V, p.y_valid):
        d = ((T - v) ** 2).sum(1)
        near = np.argsort(d, kind="stable")[:k]
        votes = np.bincount(p.y_train[near], minlength=p.classes.size)
        wrong += int(votes.argmax() != yv)
    return wrong / len(V)


# ---------------------------------------------------------------------------------------------- registry, metadata
@pytest.mark.parametrize("name", sorted(NAMES))
def test_registry_and_metadata(name, request):
    fixture = {"fs_digits": "digits", "fs_breast_cancer": "cancer", "sparse_nn": "nn"}.get(name)
    p = request.getfixturevalue(fixture) if fixture else lsmoo.get_problem(name)
    assert name in lsmoo.list_problems()
    cls = type(p)
    assert p.name == name and p.n_var == NAMES[name] and p.n_obj == 2
    assert cls.sparse is True and cls.default_n_obj == 2
    assert cls.default_encoding == p.encoding == ("binary" if name.startswith("fs_") else "real")
    assert cls.default_n_var in (None, NAMES[name])
    first = cls.__doc__.strip().splitlines()[0]
    assert first and first.endswith(".") and len(first) < 120
    assert p.pareto_front() is None
    imp = p.importance()
    assert imp.shape == (p.n_var,) and np.all(np.isfinite(imp)) and imp.min() >= 0 and imp.max() == 1.0


def test_module_does_not_import_sklearn():
    code = "import sys, lsmoo.problems.sparse_real, lsmoo; lsmoo.list_problems(); print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_missing_sklearn_gives_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    with pytest.raises(ProblemError, match=r"pip install 'lsmoo\[data\]'"):
        lsmoo.get_problem("fs_wine")
    with pytest.raises(ProblemError, match="scikit-learn"):
        SparseNN()
    # own data needs no scikit-learn
    X = np.random.default_rng(0).random((20, 3))
    FeatureSelection(X=X, y=np.arange(20) % 2)


# ---------------------------------------------------------------------------------------------- feature selection
def test_split_is_stratified_and_seeded():
    y = np.repeat([0, 1, 2], [50, 30, 20])
    a, b = stratified_split(y, 0.3, 7)
    assert np.array_equal(np.sort(np.concatenate([a, b])), np.arange(100))
    assert list(np.bincount(y[b])) == [15, 9, 6]
    a2, b2 = stratified_split(y, 0.3, 7)
    assert np.array_equal(b, b2)
    assert not np.array_equal(b, stratified_split(y, 0.3, 8)[1])


def test_fs_data_scaled_and_on_grid(digits):
    for A in (digits.X_train, digits.X_valid):
        assert A.min() >= 0 and A.max() <= 1
        assert np.array_equal(A * 4096, np.round(A * 4096))
    assert len(digits.y_train) + len(digits.y_valid) == 1797
    assert abs(len(digits.y_valid) / 1797 - 0.3) < 0.01


@pytest.mark.parametrize("name", ["fs_breast_cancer", "fs_wine"])
def test_fs_matches_sklearn_knn(name, request):
    from sklearn.neighbors import KNeighborsClassifier

    p = request.getfixturevalue("cancer") if name == "fs_breast_cancer" else lsmoo.get_problem(name)
    rng = np.random.default_rng(3)
    M = random_masks(rng, 8, p.n_var, min_on=3)
    M[0] = True
    F = p.evaluate(M)
    assert np.allclose(F[:, 0], M.mean(1))
    for row, f2 in zip(M, F[:, 1]):
        clf = KNeighborsClassifier(n_neighbors=5, algorithm="brute").fit(p.X_train[:, row], p.y_train)
        err = np.mean(clf.predict(p.X_valid[:, row]) != p.y_valid)
        assert f2 == pytest.approx(err, abs=1e-12)


def test_fs_matches_plain_loop_with_ties(digits, monkeypatch):
    rng = np.random.default_rng(5)
    M = random_masks(rng, 6, 64)
    M[0] = False
    M[0, 36] = True                    # one feature: massive distance ties
    M[1] = False
    M[1, [20, 43]] = True
    F = digits.evaluate(M)
    expect = [knn_error_loop(digits, row) for row in M]
    assert np.array_equal(F[:, 1], expect)
    # chunking (several mask and validation chunks) changes nothing, bit for bit
    monkeypatch.setattr(sparse_real, "_MAX_ELEMS", 5000)
    assert np.array_equal(digits.evaluate(M), F)
    # a row's objectives do not depend on the rest of the population
    assert np.array_equal(digits.evaluate(M[3:4]), F[3:4])


@settings(derandomize=True, max_examples=40, deadline=None)
@given(data=st.data())
def test_fs_property_batched_equals_loop(data):
    """Small integer data (many exact ties), any k: the batched evaluation equals the per-mask loop."""
    n_cls = data.draw(st.integers(2, 3))
    n = data.draw(st.integers(2 * n_cls + 2, 24))
    f = data.draw(st.integers(1, 5))
    X = np.array(data.draw(st.lists(st.integers(0, 3), min_size=n * f, max_size=n * f))).reshape(n, f)
    y = np.array(data.draw(st.permutations(list(np.arange(n) % n_cls))))
    k = data.draw(st.integers(1, 7))
    p = FeatureSelection(X=X, y=y, k=k, seed=data.draw(st.integers(0, 3)))
    M = np.array(data.draw(st.lists(st.lists(st.booleans(), min_size=f, max_size=f), min_size=1, max_size=6)))
    F = p.evaluate(M)
    assert np.array_equal(F[:, 1], [knn_error_loop(p, row) for row in M])
    assert np.array_equal(F[:, 0], M.mean(1))


def test_fs_empty_mask(cancer):
    F = cancer.evaluate(np.zeros((2, 30), dtype=bool))
    assert np.all(F[:, 0] == 0)
    majority = np.bincount(cancer.y_train).argmax()
    assert np.all(F[:, 1] == np.mean(cancer.y_valid != majority)) and F[0, 1] == cancer.majority_error
    p1 = lsmoo.get_problem("fs_breast_cancer", empty_error=1.0)
    assert p1.evaluate(np.zeros((1, 30), dtype=bool))[0, 1] == 1.0


def test_fs_accepts_01_numbers_and_rejects_the_rest(cancer):
    rng = np.random.default_rng(0)
    M = random_masks(rng, 3, 30)
    assert np.array_equal(cancer.evaluate(M.astype(int)), cancer.evaluate(M))
    with pytest.raises(ProblemError, match="bool"):
        cancer.evaluate(M * 0.5)
    with pytest.raises(ProblemError, match=r"N × 30"):
        cancer.evaluate(M[:, :5])
    with pytest.raises(ProblemError, match=r"N × 30"):
        cancer.evaluate(M[0])


def test_fs_good_front_exists(digits):
    assert digits.all_features_error < 0.05
    order = np.argsort(-digits.importance())
    m = np.zeros((1, 64), dtype=bool)
    m[0, order[:16]] = True
    assert digits.evaluate(m)[0, 1] < 0.1          # a quarter of the features, under 10 % error
    F, G = digits.evaluate_checked(random_masks(np.random.default_rng(1), 4, 64))
    assert F.shape == (4, 2) and G is None


def test_fs_importance_on_synthetic_data():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 300)
    X = rng.normal(size=(300, 12))
    X[:, [2, 7, 9]] += 2.0 * y[:, None]           # informative features
    X[:, 4] = 1.0                                   # constant feature
    p = FeatureSelection(X=X, y=y, name="mine")
    assert p.name == "mine" and p.n_var == 12 and p.dataset_name == "custom"
    imp = p.importance()
    assert set(np.argsort(-imp)[:3]) == {2, 7, 9}
    assert imp[4] == 0.0 and p.groups() is None
    informative = np.zeros(12, dtype=bool)
    informative[[2, 7, 9]] = True
    F = p.evaluate(np.vstack([informative, ~informative]))
    assert F[0, 1] < 0.2 < F[1, 1]


def test_fs_determinism(cancer):
    again = lsmoo.get_problem("fs_breast_cancer", seed=0)
    assert np.array_equal(again.X_train, cancer.X_train) and np.array_equal(again.y_valid, cancer.y_valid)
    M = random_masks(np.random.default_rng(2), 5, 30)
    assert np.array_equal(again.evaluate(M), cancer.evaluate(M))
    other = lsmoo.get_problem("fs_breast_cancer", seed=1)
    assert not np.array_equal(other.valid_index, cancer.valid_index)


@pytest.mark.parametrize("kwargs, match", [
    (dict(n_var=100), "fixed by the data"),
    (dict(n_obj=3), "exactly 2 objectives"),
    (dict(k=0), "k must be"),
    (dict(valid_fraction=1.5), "valid_fraction"),
    (dict(empty_error=2.0), "empty_error"),
    (dict(dataset="digits"), "uses the 'wine' dataset"),
    (dict(X=np.zeros((4, 2))), "both X and y"),
])
def test_fs_bad_arguments(kwargs, match):
    with pytest.raises(ProblemError, match=match):
        lsmoo.get_problem("fs_wine", **kwargs)


def test_fs_bad_data():
    with pytest.raises(ProblemError, match="unknown dataset"):
        FeatureSelection("mnist")
    with pytest.raises(ProblemError, match="at least 2 classes"):
        FeatureSelection(X=np.zeros((5, 2)), y=np.zeros(5))
    with pytest.raises(ProblemError, match="NaN"):
        FeatureSelection(X=np.full((4, 2), np.nan), y=[0, 0, 1, 1])
    with pytest.raises(ProblemError, match="one label per row"):
        FeatureSelection(X=np.zeros((4, 2)), y=[0, 1])
    assert lsmoo.get_problem("fs_wine", n_var=13).n_var == 13
    assert FeatureSelection("wine").n_var == 13


# ---------------------------------------------------------------------------------------------- sparse_sr
def test_sr_true_signal_and_zero():
    p = lsmoo.get_problem("sparse_sr")
    x = p.true_signal
    assert np.count_nonzero(x) == 260 and np.array_equal(np.flatnonzero(x), p.support)
    F = p.evaluate(np.vstack([x, np.zeros(1024)]))
    assert F[0, 0] == 260 / 1024
    assert F[0, 1] == pytest.approx(0.01, rel=0.1)             # ≈ noise level
    assert F[1, 0] == 0 and F[1, 1] == pytest.approx(np.linalg.norm(p.b) / np.sqrt(480))
    assert np.all(p.xl < 0) and np.all(p.xu > 0) and np.all((x >= p.xl) & (x <= p.xu))
    assert np.all(p.xl == -p.xu)


def test_sr_by_hand_tiny():
    p = SparseSR(n_var=6, m=4, sparsity=2, noise=0.1, seed=3)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5, 6)) * (rng.random((5, 6)) < 0.5)
    X[0, 0] = 1e-300                                            # tiny but non-zero counts
    F = p.evaluate(X)
    for x, f in zip(X, F):
        assert f[0] == np.count_nonzero(x) / 6
        assert f[1] == pytest.approx(np.sqrt(np.sum((p.A @ x - p.b) ** 2) / 4))
    rel = SparseSR(n_var=6, m=4, sparsity=2, noise=0.1, seed=3, loss="relative")
    Fr = rel.evaluate(np.vstack([np.zeros(6), X[1]]))
    assert Fr[0, 1] == pytest.approx(1.0)
    assert Fr[1, 1] == pytest.approx(np.linalg.norm(p.A @ X[1] - p.b) / np.linalg.norm(p.b))


def test_sr_noiseless_and_orthonormal():
    p = SparseSR(n_var=64, m=32, sparsity=4, noise=0.0, sensing="orthonormal")
    assert np.allclose(p.A @ p.A.T, np.eye(32))
    assert p.evaluate(p.true_signal[None])[0, 1] == pytest.approx(0.0, abs=1e-12)


def test_sr_importance_points_at_support():
    p = SparseSR(n_var=300, m=200, sparsity=6, noise=0.0, seed=1)
    imp = p.importance()
    assert imp.shape == (300,) and imp.max() == 1.0
    assert np.allclose(imp, np.abs(p.A.T @ p.b) / np.abs(p.A.T @ p.b).max())
    on = np.zeros(300, dtype=bool)
    on[p.support] = True
    assert imp[on].mean() > 3 * imp[~on].mean()
    assert p.groups() is None


def test_sr_determinism():
    a, b = SparseSR(n_var=100, m=40, sparsity=5, seed=9), SparseSR(n_var=100, m=40, sparsity=5, seed=9)
    assert np.array_equal(a.A, b.A) and np.array_equal(a.b, b.b) and np.array_equal(a.true_signal, b.true_signal)
    X = np.random.default_rng(0).uniform(-1, 1, (4, 100))
    assert np.array_equal(a.evaluate(X), b.evaluate(X))
    assert not np.array_equal(SparseSR(n_var=100, m=40, sparsity=5, seed=10).b, a.b)


@pytest.mark.parametrize("kwargs, match", [
    (dict(sparsity=2000), "sparsity must be <= n_var"),
    (dict(noise=-1), "noise"),
    (dict(loss="mse"), "loss"),
    (dict(sensing="bernoulli"), "sensing"),
    (dict(n_var=10, m=20, sparsity=2, sensing="orthonormal"), "m <= n_var"),
    (dict(n_obj=3), "exactly 2 objectives"),
    (dict(n_var=0), "n_var"),
    (dict(m=0), "m "),
])
def test_sr_bad_arguments(kwargs, match):
    with pytest.raises(ProblemError, match=match):
        lsmoo.get_problem("sparse_sr", **kwargs)


def test_sr_bad_population():
    p = SparseSR(n_var=10, m=5, sparsity=2)
    with pytest.raises(ProblemError, match=r"N × 10"):
        p.evaluate(np.zeros((3, 9)))
    with pytest.raises(ProblemError, match="NaN"):
        p.evaluate_checked(np.full((1, 10), np.nan))


# ---------------------------------------------------------------------------------------------- sparse_nn
def forward_loop(p, X, inputs=None):
    inputs = p.X_train if inputs is None else inputs
    act = np.tanh if p.activation == "tanh" else (lambda a: np.maximum(a, 0))
    out = []
    for x in X:
        W1, b1, W2, b2 = p.unpack(x)
        out.append(act(inputs @ W1 + b1) @ W2 + b2)
    return np.array(out)


def random_weights(p, n, rng):
    return rng.uniform(-1, 1, (n, p.n_var)) * (rng.random((n, p.n_var)) < rng.uniform(0.05, 1, (n, 1)))


def test_nn_layout_and_groups(nn):
    assert (nn.n_inputs, nn.n_hidden, nn.n_outputs) == (30, 20, 1)
    g = nn.groups()
    assert g.shape == (641,) and list(np.bincount(g)) == [600, 20, 20, 1]
    assert np.all(np.diff(g) >= 0)
    x = np.arange(641.0)
    W1, b1, W2, b2 = nn.unpack(x)
    assert W1[2, 3] == 2 * 20 + 3 and b1[0] == 600 and W2[0, 0] == 620 and b2[0] == 640
    assert np.all(nn.xl == -1) and np.all(nn.xu == 1)
    imp = nn.importance()
    # a W1 weight carries the score of the input it reads; biases and W2 weights 1
    assert np.array_equal(imp[:600].reshape(30, 20), np.repeat(imp[:600:20, None], 20, axis=1))
    assert np.all(imp[600:] == 1.0)
    assert np.argmax(imp[:600:20]) == np.argmax(sparse_real.anova_f(nn.X_train, nn.y_train))


@pytest.mark.parametrize("kwargs", [dict(), dict(dataset="wine", n_hidden=7, activation="relu"),
                                    dict(dataset="iris", n_hidden=3, loss="cross_entropy"),
                                    dict(loss="cross_entropy", n_hidden=5)])
def test_nn_batched_matches_loop(kwargs, monkeypatch):
    p = SparseNN(**kwargs)
    rng = np.random.default_rng(4)
    X = random_weights(p, 7, rng)
    Z = forward_loop(p, X)
    assert np.allclose(p.forward(X), Z, rtol=1e-12, atol=1e-12)
    F = p.evaluate(X)
    assert np.array_equal(F[:, 0], (X != 0).mean(1))
    y = p.y_train
    for z, f in zip(Z, F[:, 1]):
        if p.loss == "error":
            pred = (z[:, 0] > 0).astype(int) if p.n_outputs == 1 else z.argmax(1)
            assert f == pytest.approx(np.mean(pred != y))
        elif p.n_outputs == 1:
            prob = 1 / (1 + np.exp(-z[:, 0]))
            assert f == pytest.approx(-np.mean(y * np.log(prob) + (1 - y) * np.log(1 - prob)))
        else:
            prob = np.exp(z) / np.exp(z).sum(1, keepdims=True)
            assert f == pytest.approx(-np.mean(np.log(prob[np.arange(len(y)), y])))
    monkeypatch.setattr(sparse_real, "_MAX_ELEMS", 1000)        # many chunks
    assert np.allclose(p.evaluate(X), F, rtol=1e-12, atol=1e-12)
    te = p.test_error(X)
    Zt = forward_loop(p, X, p.X_test)
    pred_t = (Zt[..., 0] > 0).astype(int) if p.n_outputs == 1 else Zt.argmax(-1)
    assert np.allclose(te, (pred_t != p.y_test).mean(1))


def test_nn_all_zero_and_good_solution(nn):
    from sklearn.linear_model import LogisticRegression

    F0 = nn.evaluate(np.zeros((1, 641)))
    assert F0[0, 0] == 0 and F0[0, 1] == pytest.approx(np.mean(nn.y_train != 0))
    # a network that copies a linear classifier through one hidden unit: few weights, low error
    lr = LogisticRegression(C=1.0, max_iter=2000).fit(nn.X_train, nn.y_train)
    w, b = lr.coef_[0], lr.intercept_[0]
    s = max(np.abs(w).max(), abs(b))
    x = np.zeros(641)
    W1 = x[:600].reshape(30, 20)
    W1[:, 0] = w / s
    x[600] = b / s
    x[620] = 1.0
    F = nn.evaluate(x[None])
    assert F[0, 0] == pytest.approx(32 / 641)
    assert F[0, 1] == pytest.approx(np.mean(lr.predict(nn.X_train) != nn.y_train)) and F[0, 1] < 0.05
    assert nn.test_error(x[None])[0] < 0.1


def test_nn_custom_data_and_determinism():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 4))
    y = (X[:, 0] > 0).astype(int)
    p = SparseNN(X=X, y=y, n_hidden=3)
    assert p.n_var == 4 * 3 + 3 + 3 + 1 and p.dataset_name == "custom"
    q = SparseNN(X=X, y=y, n_hidden=3)
    W = random_weights(p, 5, rng)
    assert np.array_equal(p.evaluate(W), q.evaluate(W)) and np.array_equal(p.X_train, q.X_train)
    assert not np.array_equal(SparseNN(X=X, y=y, n_hidden=3, seed=2).train_index, p.train_index)
    assert abs(p.X_train.mean(0)).max() < 1e-12


@pytest.mark.parametrize("kwargs, match", [
    (dict(n_var=100), "fixed by the data"),
    (dict(n_hidden=0), "n_hidden"),
    (dict(activation="sigmoid"), "activation"),
    (dict(loss="mse"), "loss"),
    (dict(train_fraction=1.0), "train_fraction"),
    (dict(n_obj=3), "exactly 2 objectives"),
    (dict(dataset="cifar"), "unknown dataset"),
    (dict(dataset="wine", X=np.zeros((4, 2)), y=[0, 0, 1, 1]), "not both"),
])
def test_nn_bad_arguments(kwargs, match):
    with pytest.raises(ProblemError, match=match):
        lsmoo.get_problem("sparse_nn", **kwargs)


def test_nn_bad_population(nn):
    with pytest.raises(ProblemError, match=r"N × 641"):
        nn.evaluate(np.zeros((2, 640)))
    with pytest.raises(ProblemError, match="length 641"):
        nn.unpack(np.zeros(3))
    assert lsmoo.get_problem("sparse_nn", n_var=641).n_var == 641
