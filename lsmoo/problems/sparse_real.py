"""Real sparse problems: feature selection, sparse signal reconstruction, sparse neural-network training.

Python counterparts of PlatEMO's ``Sparse_FS``, ``Sparse_SR`` and ``Sparse_NN`` (Tian et al., IEEE TEVC
24(2):380-393, 2020; Tian et al., IEEE TCYB 51(6):3115-3128, 2021), written for whole-population, batched
evaluation and for data that ships with scikit-learn (no downloads) or is generated from a seed.

============================  ========  ===============================  ==================================
registered name               encoding  n_var (default)                  objectives (both minimized)
============================  ========  ===============================  ==================================
``fs_digits``                 binary    64 (fixed by the data)           selected-feature ratio, 5-NN
``fs_breast_cancer``          binary    30 (fixed by the data)           validation error
``fs_wine``                   binary    13 (fixed by the data)
``sparse_sr``                 real      1024                             non-zero ratio, residual RMSE
``sparse_nn``                 real      641 (breast_cancer, 20 hidden)   non-zero weight ratio, training error
============================  ========  ===============================  ==================================

scikit-learn is needed only for the bundled datasets and is imported when such a problem is created, never
when this module is imported. See ``docs/problems/real.md`` for data, fronts and evaluation costs.
"""
from __future__ import annotations

import numbers

import numpy as np

from ..errors import ProblemError
from ..problem import Problem, check_n_obj, check_n_var
from ..registry import register_problem

__all__ = ["FeatureSelection", "FSDigits", "FSBreastCancer", "FSWine", "SparseSR", "SparseNN",
           "load_dataset", "stratified_split"]

#: upper bound on the number of float64 elements of one temporary array in the batched evaluations
#: (2**21 elements = 16 MiB); chunks are sized from it, so memory stays bounded for any population size
_MAX_ELEMS = 2 ** 21

#: feature-selection inputs are snapped to this grid (after min-max scaling) so that every masked squared
#: distance is a sum of exactly representable terms: distances, and hence neighbour ties, are then exact and
#: independent of summation order (BLAS blocking, chunking, population composition)
_FS_GRID = 2.0 ** 12

_DATASETS = ("digits", "breast_cancer", "wine", "iris")
_NO_SKLEARN = "feature selection needs scikit-learn for its bundled datasets: pip install 'lsmoo[data]'"


# ---------------------------------------------------------------------------------------------- helpers
def load_dataset(name: str, owner: str = "lsmoo"):
    """``(X, y)`` of a dataset bundled with scikit-learn (``digits``, ``breast_cancer``, ``wine``, ``iris``).

    Imports scikit-learn lazily; raises :class:`ProblemError` when it is missing or the name is unknown.
    """
    if not isinstance(name, str) or name not in _DATASETS:
        raise ProblemError(f"{owner}: unknown dataset {name!r}; choose one of {', '.join(_DATASETS)} "
                           "or pass your own data as X=..., y=...")
    try:
        from sklearn import datasets
    except ImportError:
        raise ProblemError(_NO_SKLEARN) from None
    X, y = getattr(datasets, f"load_{name}")(return_X_y=True)
    return np.asarray(X, dtype=float), np.asarray(y)


def _check_data(X, y, owner: str):
    """Validate user data: X numeric finite 2-D, y 1-D with one label per row, >= 2 classes of >= 2 rows."""
    try:
        X = np.asarray(X, dtype=float)
    except (TypeError, ValueError):
        raise ProblemError(f"{owner}: X must be a numeric 2-D array") from None
    if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
        raise ProblemError(f"{owner}: X must be a non-empty 2-D array (samples × features), got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ProblemError(f"{owner}: X contains NaN or inf")
    y = np.asarray(y)
    if y.ndim != 1 or y.shape[0] != X.shape[0]:
        raise ProblemError(f"{owner}: y must be 1-D with one label per row of X ({X.shape[0]}), got shape {y.shape}")
    classes, counts = np.unique(y, return_counts=True)
    if classes.size < 2:
        raise ProblemError(f"{owner}: y must hold at least 2 classes, got {classes.size}")
    if counts.min() < 2:
        raise ProblemError(f"{owner}: every class needs at least 2 samples for the stratified split "
                           f"(class {classes[counts.argmin()]!r} has {counts.min()})")
    return X, y


def stratified_split(y, fraction: float, seed) -> tuple[np.ndarray, np.ndarray]:
    """Seeded stratified split: ``(first, second)`` sorted index arrays, ``second`` holding about
    ``fraction`` of every class (at least one sample of each class on both sides).

    Pure numpy, so the split is the same whatever the scikit-learn version.
    """
    rng = np.random.default_rng(seed)
    y = np.asarray(y)
    first, second = [], []
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        n2 = min(max(int(round(fraction * idx.size)), 1), idx.size - 1)
        second.append(idx[:n2])
        first.append(idx[n2:])
    return np.sort(np.concatenate(first)), np.sort(np.concatenate(second))


def anova_f(X, y) -> np.ndarray:
    """One-way ANOVA F statistic of every column of ``X`` against the labels ``y`` (like scikit-learn's
    ``f_classif``), with constant columns scored 0 and columns that separate the classes perfectly
    (zero within-class variance, non-zero between) scored ``inf``."""
    X = np.asarray(X, dtype=float)
    classes, yi = np.unique(y, return_inverse=True)
    n, k = X.shape[0], classes.size
    counts = np.bincount(yi, minlength=k).astype(float)
    means = np.zeros((k, X.shape[1]))
    np.add.at(means, yi, X)
    means /= counts[:, None]
    grand = X.mean(0)
    ssb = (counts[:, None] * (means - grand) ** 2).sum(0)
    ssw = ((X - means[yi]) ** 2).sum(0)
    dfb, dfw = k - 1, max(n - k, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        F = (ssb / dfb) / (ssw / dfw)
    F[(ssb <= 1e-12 * max(ssb.max(), 1.0)) | ~np.isfinite(ssb)] = 0.0
    F[np.isnan(F)] = 0.0
    return F


def _normalized_scores(s) -> np.ndarray:
    """Scores scaled to [0, 1] with the largest = 1 (inf → 1, finite ones scaled by twice the largest
    finite score when some are inf); all-zero stays zero."""
    s = np.asarray(s, dtype=float).copy()
    inf = np.isinf(s)
    if inf.any():
        finite_max = s[~inf].max() if (~inf).any() else 0.0
        s[inf] = 2 * finite_max if finite_max > 0 else 1.0
    top = s.max()
    return s / top if top > 0 else s


def _fixed_n_var(owner: str, n_var, actual: int, why: str):
    if n_var is None:
        return
    n_var = check_n_var(owner, n_var)
    if n_var != actual:
        raise ProblemError(f"{owner}: n_var is fixed by the data ({actual} {why}); got n_var={n_var}")


def _population(problem: Problem, X, binary: bool) -> np.ndarray:
    """Validate an N × n_var population; binary problems get a bool array (0/1 numbers accepted)."""
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] != problem.n_var:
        raise ProblemError(f"{problem.name}: evaluate() needs an N × {problem.n_var} array, got shape {X.shape}")
    if binary:
        if X.dtype == bool:
            return X
        if not (np.issubdtype(X.dtype, np.number) and np.all((X == 0) | (X == 1))):
            raise ProblemError(f"{problem.name}: binary problem needs a bool (or 0/1) mask array")
        return X.astype(bool)
    try:
        return np.asarray(X, dtype=float)
    except (TypeError, ValueError):
        raise ProblemError(f"{problem.name}: evaluate() needs a numeric array") from None


def _fraction(value, what: str, owner: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ProblemError(f"{owner}: {what} must be a number in (0, 1), got {value!r}") from None
    if not 0.0 < v < 1.0:
        raise ProblemError(f"{owner}: {what} must lie in (0, 1), got {value!r}")
    return v


def _int_at_least(value, what: str, owner: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise ProblemError(f"{owner}: {what} must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise ProblemError(f"{owner}: {what} must be an integer >= {minimum}, got {value}")
    return int(value)


# ---------------------------------------------------------------------------------------------- feature selection
class FeatureSelection(Problem):
    """Feature selection for a k-nearest-neighbour classifier: few features against low validation error.

    **Data.** A dataset bundled with scikit-learn (``dataset="digits" | "breast_cancer" | "wine" | "iris"``)
    or your own ``X`` (samples × features) and ``y`` (labels). A seeded stratified split keeps
    ``1 - valid_fraction`` (default 70 %) of every class for training and the rest for validation. Features
    are min-max scaled to [0, 1] with the *training* part's minimum and maximum (constant features become 0;
    validation values are clipped to [0, 1]) and snapped to a 1/4096 grid, so distances are exact (see
    below).

    **Variables.** Binary, one bit per feature (``True`` = selected). ``n_var`` is fixed by the data.

    **Objectives** (both minimized, both in [0, 1]):

    * f1 = selected-feature ratio ``mask.mean()`` (PlatEMO's ``Sparse_FS``);
    * f2 = validation error of a ``k``-NN classifier (default k = 5, Euclidean distance on the selected
      features, majority vote; ties between classes go to the smallest label, ties in distance to the
      training sample that comes first), trained on the training part. This is the classifier of
      scikit-learn's ``KNeighborsClassifier(n_neighbors=k)`` and of PlatEMO's ``Sparse_FS``.
      An empty mask has no features to measure distances with; it gets ``empty_error``, by default the
      error of predicting the training majority class for everything (so a subset that does no better
      than guessing is dominated by selecting nothing). Pass ``empty_error=1.0`` for the "invalid" convention.

    **Evaluation** is batched over the population: for a chunk of validation samples the squared
    per-feature differences to all training samples form a ``(samples·train) × features`` matrix ``S``, and
    one matrix product ``masks @ S.T`` gives the masked squared distances of every mask at once (no
    per-individual loop, no cancellation as in the ``a² + b² − 2ab`` expansion). Chunks hold at most
    2**21 float64 elements per temporary.

    **Structure.** ``importance()`` is the ANOVA F score of every feature on the training part (scaled so
    the best feature has 1); ``groups()`` is None. ``pareto_front()`` is unknown (None).

    **A good front** reaches, with a small fraction of the features, a validation error close to the
    error with all features (``all_features_error``): on ``fs_digits`` 2.2 % with all 64 features, and
    already 4.8 % with the 16 best features by ANOVA F (a search should do better still).

    **Cost** grows as N × train × validation × features: per 100 masks on 2 shared cores about 1-2 s
    (digits), 0.1 s (breast cancer), 0.02 s (wine).
    """

    default_n_var = None
    default_n_obj = 2
    default_encoding = "binary"
    sparse = True
    dataset: str | None = None

    def __init__(self, dataset: str | None = None, *, X=None, y=None, k: int = 5, valid_fraction: float = 0.3,
                 seed=0, empty_error: float | None = None, n_var=None, n_obj=None, name: str | None = None):
        owner = name or getattr(self, "name", None) or "feature_selection"
        fixed = type(self).dataset
        if fixed is not None and dataset is not None and dataset != fixed:
            raise ProblemError(f"{owner}: this problem uses the {fixed!r} dataset; use "
                               f"FeatureSelection(dataset={dataset!r}) for another")
        if X is not None or y is not None:
            if X is None or y is None:
                raise ProblemError(f"{owner}: pass both X and y, or neither")
            if fixed is not None or dataset is not None:
                raise ProblemError(f"{owner}: pass either a dataset name or your own X and y, not both")
            X, y = _check_data(X, y, owner)
            self.dataset_name = "custom"
        else:
            self.dataset_name = fixed or dataset or "digits"
            X, y = load_dataset(self.dataset_name, owner)
        self.k = _int_at_least(k, "k", owner, 1)
        self.valid_fraction = _fraction(valid_fraction, "valid_fraction", owner)
        self.seed = seed
        check_n_obj(owner, 2 if n_obj is None else n_obj, fixed=2)
        _fixed_n_var(owner, n_var, X.shape[1], "features")

        tr, va = stratified_split(y, self.valid_fraction, seed)
        lo, hi = X[tr].min(0), X[tr].max(0)
        span = np.where(hi > lo, hi - lo, 1.0)

        def scale(A):
            return np.round(np.clip((A - lo) / span, 0.0, 1.0) * _FS_GRID) / _FS_GRID

        self.classes, yi = np.unique(y, return_inverse=True)
        self.X_train, self.y_train = scale(X[tr]), yi[tr]
        self.X_valid, self.y_valid = scale(X[va]), yi[va]
        self.train_index, self.valid_index = tr, va
        for a in (self.X_train, self.y_train, self.X_valid, self.y_valid):
            a.setflags(write=False)
        n_cls = self.classes.size
        self._onehot = np.eye(n_cls, dtype=np.float32)[self.y_train]
        majority = np.bincount(self.y_train, minlength=n_cls).argmax()
        self.majority_error = float(np.mean(self.y_valid != majority))
        if empty_error is None:
            self.empty_error = self.majority_error
        else:
            try:
                self.empty_error = float(empty_error)
            except (TypeError, ValueError):
                raise ProblemError(f"{owner}: empty_error must be a number in [0, 1] or None") from None
            if not 0.0 <= self.empty_error <= 1.0:
                raise ProblemError(f"{owner}: empty_error must lie in [0, 1], got {empty_error!r}")
        self._importance = _normalized_scores(anova_f(self.X_train, self.y_train))
        super().__init__(n_var=X.shape[1], n_obj=2, encoding="binary", name=owner)

    # ------------------------------------------------------------------ objectives
    def evaluate(self, X):
        M = _population(self, X, binary=True)
        F = np.empty((M.shape[0], 2))
        F[:, 0] = M.mean(1)
        F[:, 1] = self.validation_error(M)
        return F

    def validation_error(self, masks) -> np.ndarray:
        """k-NN validation error of every mask (rows of a bool N × n_var array)."""
        M = _population(self, masks, binary=True)
        N = M.shape[0]
        err = np.full(N, self.empty_error)
        nonempty = np.flatnonzero(M.any(1))
        if nonempty.size:
            err[nonempty] = self._knn_errors(M[nonempty].astype(float))
        return err

    def _knn_errors(self, Mf: np.ndarray) -> np.ndarray:
        T, V, yv = self.X_train, self.X_valid, self.y_valid
        n_t, n_f = T.shape
        k = min(self.k, n_t)
        wrong = np.zeros(Mf.shape[0])
        n_mask_chunk = max(1, min(Mf.shape[0], _MAX_ELEMS // n_t))
        for m0 in range(0, Mf.shape[0], n_mask_chunk):
            Mc = Mf[m0:m0 + n_mask_chunk]
            nc = Mc.shape[0]
            cv = max(1, min(V.shape[0], _MAX_ELEMS // (n_t * max(n_f, nc))))
            for v0 in range(0, V.shape[0], cv):
                Vc = V[v0:v0 + cv]
                S = ((Vc.T[:, :, None] - T.T[:, None, :]) ** 2).reshape(n_f, -1)  # n_f × (cv·n_t)
                D = (Mc @ S).reshape(nc, Vc.shape[0], n_t)                        # masked squared distances
                kth = np.partition(D, k - 1, axis=-1)[..., k - 1:k]
                sel = D <= kth
                over = sel.sum(-1) > k
                if over.any():
                    # more samples tie at the k-th distance than places are left: take the first ones
                    # (by training index), as a stable sort would
                    Dr, kr = D[over], kth[over]
                    less, eq = Dr < kr, Dr == kr
                    need = k - less.sum(-1, keepdims=True)
                    sel[over] = less | (eq & (np.cumsum(eq, axis=-1) <= need))
                votes = sel.astype(np.float32) @ self._onehot                    # nc × cv × classes (exact counts)
                pred = votes.argmax(-1)                                          # ties → smallest label
                wrong[m0:m0 + nc] += (pred != yv[v0:v0 + cv]).sum(-1)
        return wrong / V.shape[0]

    @property
    def all_features_error(self) -> float:
        """Validation error with every feature selected (the accuracy end of the front)."""
        return float(self.validation_error(np.ones((1, self.n_var), dtype=bool))[0])

    def importance(self):
        return self._importance.copy()

    def groups(self):
        return None


@register_problem("fs_digits", encoding="binary", sparse=True, suite="real")
class FSDigits(FeatureSelection):
    """Feature selection for 5-NN on scikit-learn's 8×8 handwritten digits (1797 samples, 64 features, 10 classes).

    See :class:`FeatureSelection` for the objectives. Cost: about 1-2 s per 100 masks (2 cores).
    """

    name = "fs_digits"
    dataset = "digits"
    default_n_var = 64


@register_problem("fs_breast_cancer", encoding="binary", sparse=True, suite="real")
class FSBreastCancer(FeatureSelection):
    """Feature selection for 5-NN on the Wisconsin breast cancer data (569 samples, 30 features, 2 classes).

    See :class:`FeatureSelection` for the objectives. Cost: about 0.1 s per 100 masks (2 cores).
    """

    name = "fs_breast_cancer"
    dataset = "breast_cancer"
    default_n_var = 30


@register_problem("fs_wine", encoding="binary", sparse=True, suite="real")
class FSWine(FeatureSelection):
    """Feature selection for 5-NN on the wine recognition data (178 samples, 13 features, 3 classes).

    See :class:`FeatureSelection` for the objectives. Cost: about 0.02 s per 100 masks (2 cores).
    """

    name = "fs_wine"
    dataset = "wine"
    default_n_var = 13


# ---------------------------------------------------------------------------------------------- signal reconstruction
@register_problem("sparse_sr", encoding="real", sparse=True, suite="real")
class SparseSR(Problem):
    """Sparse signal reconstruction (compressed sensing): few non-zeros against a small residual ‖Ax − b‖.

    **Data** (generated from ``seed``, in this order): the sensing matrix ``A`` (``m × n_var``, entries
    N(0, 1/m) so columns have unit norm on average; ``sensing="orthonormal"`` instead orthonormalizes the
    rows of a Gaussian matrix, as PlatEMO's ``Sparse_SR`` does), the support of the true signal
    (``sparsity`` positions drawn without replacement), its values ``2·N(0, 1)`` (as PlatEMO), and the
    observations ``b = A·x_true + noise·N(0, 1)``. ``true_signal``, ``A`` and ``b`` are attributes.
    PlatEMO's defaults are kept (n = 1024, m = 480, K = 260); the default noise is 0.01 (PlatEMO's is 0).

    **Variables.** Real, one per signal entry, bounds ``[-B, B]`` with ``B = ceil(max(|mean| + 3·std,
    max |x|))`` over the non-zero true values (PlatEMO uses mean ± 3·std rounded outwards; the symmetric
    version always contains 0 and the true signal).

    **Objectives** (both minimized):

    * f1 = ratio of non-zero entries, ``mean(x != 0)``: only exact zeros count as zero, as sparse
      algorithms set them through masks;
    * f2 = ``loss="rmse"`` (default): ``‖Ax − b‖ / √m``, so the true signal scores about ``noise``;
      ``loss="relative"``: ``‖Ax − b‖ / ‖b‖`` (PlatEMO), so x = 0 scores 1.

    **Structure.** ``importance()`` = ``|Aᵀb|`` scaled to max 1 (the correlation of every column with the
    observations, the first step of matching pursuit); ``groups()`` is None; the front is unknown (None).

    **A good front** runs from (0, f2(0)) to the true signal at (K/n, ≈ noise) and beyond; with m < n the
    problem is under-determined, so denser solutions can push f2 below the noise level (over-fitting).
    Cost: a few ms per 100 solutions at the default size (one N × n by n × m matrix product).
    """

    default_n_var = 1024
    default_n_obj = 2
    default_encoding = "real"
    sparse = True
    name = "sparse_sr"

    def __init__(self, n_var: int = 1024, m: int = 480, sparsity: int = 260, noise: float = 0.01, seed=0,
                 loss: str = "rmse", sensing: str = "gaussian", n_obj=None):
        owner = self.name
        n = check_n_var(owner, n_var)
        m = _int_at_least(m, "m (number of observations)", owner, 1)
        K = _int_at_least(sparsity, "sparsity", owner, 1)
        if K > n:
            raise ProblemError(f"{owner}: sparsity must be <= n_var ({n}), got {K}")
        try:
            noise = float(noise)
        except (TypeError, ValueError):
            raise ProblemError(f"{owner}: noise must be a non-negative number, got {noise!r}") from None
        if not (np.isfinite(noise) and noise >= 0):
            raise ProblemError(f"{owner}: noise must be a non-negative number, got {noise!r}")
        if loss not in ("rmse", "relative"):
            raise ProblemError(f"{owner}: loss must be 'rmse' or 'relative', got {loss!r}")
        if sensing not in ("gaussian", "orthonormal"):
            raise ProblemError(f"{owner}: sensing must be 'gaussian' or 'orthonormal', got {sensing!r}")
        if sensing == "orthonormal" and m > n:
            raise ProblemError(f"{owner}: orthonormal rows need m <= n_var, got m={m} > n_var={n}")
        check_n_obj(owner, 2 if n_obj is None else n_obj, fixed=2)
        self.m, self.sparsity, self.noise, self.seed = m, K, noise, seed
        self.loss, self.sensing = loss, sensing

        rng = np.random.default_rng(seed)
        G = rng.standard_normal((m, n))
        if sensing == "gaussian":
            A = G / np.sqrt(m)
        else:
            Q, _ = np.linalg.qr(G.T)          # n × m, orthonormal columns
            A = np.ascontiguousarray(Q.T)
        support = np.sort(rng.choice(n, size=K, replace=False))
        x = np.zeros(n)
        x[support] = 2.0 * rng.standard_normal(K)
        b = A @ x + noise * rng.standard_normal(m)
        self.A, self.b, self.true_signal, self.support = A, b, x, support
        for a in (A, b, x, support):
            a.setflags(write=False)
        self._b_norm = float(np.linalg.norm(b)) or 1.0

        nz = x[support]
        B = float(np.ceil(max(abs(nz.mean()) + 3 * nz.std(), np.abs(nz).max())))
        self._importance = _normalized_scores(np.abs(A.T @ b))
        super().__init__(n_var=n, n_obj=2, xl=-B, xu=B, encoding="real", name=owner)

    def evaluate(self, X):
        X = _population(self, X, binary=False)
        F = np.empty((X.shape[0], 2))
        F[:, 0] = (X != 0).mean(1)
        R = X @ self.A.T - self.b
        r = np.sqrt(np.einsum("ij,ij->i", R, R))
        F[:, 1] = r / np.sqrt(self.m) if self.loss == "rmse" else r / self._b_norm
        return F

    def importance(self):
        return self._importance.copy()


# ---------------------------------------------------------------------------------------------- neural network
@register_problem("sparse_nn", encoding="real", sparse=True, suite="real")
class SparseNN(Problem):
    """Sparse neural-network training: few non-zero weights against low training error of a one-hidden-layer MLP.

    **Data.** A scikit-learn bundled dataset (default ``breast_cancer``; also ``wine``, ``digits``,
    ``iris``) or your own ``X``, ``y``. A seeded stratified split keeps ``train_fraction`` (default 80 %, as
    PlatEMO) for training; inputs are standardized with the training part's mean and standard deviation.

    **Network.** ``d`` inputs → ``n_hidden`` units (``activation="tanh"`` as PlatEMO, or ``"relu"``) →
    ``o`` outputs: one output for two classes (class 1 when the output is > 0), otherwise one per class
    (the largest wins; ties → the smallest label).

    **Variables.** Real in [-1, 1] (PlatEMO), ``n_var = d·h + h + h·o + o``, laid out as
    ``[W1 (d × h, row-major: input i → unit j at i·h + j), b1 (h), W2 (h × o, row-major), b2 (o)]``;
    ``unpack(x)`` splits one vector. Breast cancer with 20 hidden units: 30·20 + 20 + 20 + 1 = 641
    variables, as PlatEMO's ``Sparse_NN``.

    **Objectives** (both minimized):

    * f1 = ratio of non-zero parameters, ``mean(x != 0)`` (weights and biases, as PlatEMO);
    * f2 = ``loss="error"`` (default, PlatEMO): classification error on the training part;
      ``loss="cross_entropy"``: mean cross-entropy on the training part (sigmoid for one output, softmax
      otherwise), a smooth alternative. ``test_error(X)`` reports the error on the held-out part.

    The all-zero network outputs 0 everywhere and predicts the first class (``classes[0]``), so its error
    is the share of the other classes (63 % on breast cancer, whose first class is "malignant").

    **Structure.** ``groups()`` = 0 for W1, 1 for b1, 2 for W2, 3 for b2. ``importance()`` = the ANOVA F
    score (training part, scaled to max 1) of the input a W1 weight reads, and 1 for every bias and W2
    weight (few, and always useful): a data prior for which input connections to keep.

    **A good front** drops from the all-zero error to a few per cent training error with a small fraction
    of the weights: one hidden unit reading the 5 best inputs (7 of 641 parameters) already reaches 3.5 %
    training error on breast cancer, and a linear classifier over all 30 inputs 1.3 %. Evaluation is
    batched (a stack of N matrix products per layer, chunked); about 20 ms per 100 solutions at the default
    size (0.4 s for digits: 1510 parameters, 1437 training samples).
    """

    default_n_var = None
    default_n_obj = 2
    default_encoding = "real"
    sparse = True
    name = "sparse_nn"

    def __init__(self, dataset: str | None = None, *, X=None, y=None, n_hidden: int = 20,
                 activation: str = "tanh", loss: str = "error", train_fraction: float = 0.8, seed=0,
                 n_var=None, n_obj=None):
        owner = self.name
        if X is not None or y is not None:
            if X is None or y is None:
                raise ProblemError(f"{owner}: pass both X and y, or neither")
            if dataset is not None:
                raise ProblemError(f"{owner}: pass either a dataset name or your own X and y, not both")
            X, y = _check_data(X, y, owner)
            self.dataset_name = "custom"
        else:
            self.dataset_name = dataset or "breast_cancer"
            X, y = load_dataset(self.dataset_name, owner)
        h = _int_at_least(n_hidden, "n_hidden", owner, 1)
        if activation not in ("tanh", "relu"):
            raise ProblemError(f"{owner}: activation must be 'tanh' or 'relu', got {activation!r}")
        if loss not in ("error", "cross_entropy"):
            raise ProblemError(f"{owner}: loss must be 'error' or 'cross_entropy', got {loss!r}")
        frac = _fraction(train_fraction, "train_fraction", owner)
        check_n_obj(owner, 2 if n_obj is None else n_obj, fixed=2)
        self.n_hidden, self.activation, self.loss, self.train_fraction, self.seed = h, activation, loss, frac, seed

        test, train = stratified_split(y, frac, seed)
        mu, sd = X[train].mean(0), X[train].std(0)
        sd = np.where(sd > 0, sd, 1.0)
        self.classes, yi = np.unique(y, return_inverse=True)
        self.X_train, self.y_train = (X[train] - mu) / sd, yi[train]
        self.X_test, self.y_test = (X[test] - mu) / sd, yi[test]
        self.train_index, self.test_index = train, test
        for a in (self.X_train, self.y_train, self.X_test, self.y_test):
            a.setflags(write=False)
        d = X.shape[1]
        o = 1 if self.classes.size == 2 else self.classes.size
        self.n_inputs, self.n_outputs = d, o
        sizes = [d * h, h, h * o, o]
        ends = np.cumsum(sizes)
        self.layer_slices = {name: slice(int(e - s), int(e)) for name, s, e in zip(("W1", "b1", "W2", "b2"), sizes, ends)}
        n = int(ends[-1])
        _fixed_n_var(owner, n_var, n, f"= {d}·{h} + {h} + {h}·{o} + {o} parameters for {d} inputs, "
                                      f"{h} hidden units, {o} outputs")
        self._groups = np.repeat(np.arange(4), sizes)
        fscore = _normalized_scores(anova_f(self.X_train, self.y_train))
        self._importance = np.concatenate([np.repeat(fscore, h), np.ones(h + h * o + o)])
        super().__init__(n_var=n, n_obj=2, xl=-1.0, xu=1.0, encoding="real", name=owner)

    # ------------------------------------------------------------------ network
    def unpack(self, x):
        """``(W1, b1, W2, b2)`` of one parameter vector (shapes d×h, h, h×o, o)."""
        x = np.asarray(x, dtype=float)
        if x.shape != (self.n_var,):
            raise ProblemError(f"{self.name}: unpack() needs a vector of length {self.n_var}, got shape {x.shape}")
        s = self.layer_slices
        d, h, o = self.n_inputs, self.n_hidden, self.n_outputs
        return x[s["W1"]].reshape(d, h), x[s["b1"]], x[s["W2"]].reshape(h, o), x[s["b2"]]

    def forward(self, X, inputs=None) -> np.ndarray:
        """Output logits of every network in the population on ``inputs`` (default: the training part):
        an N × samples × outputs array. Batched: one stacked matrix product per layer and chunk."""
        P = _population(self, X, binary=False)
        A = self.X_train if inputs is None else np.asarray(inputs, dtype=float)
        s = self.layer_slices
        d, h, o = self.n_inputs, self.n_hidden, self.n_outputs
        N, n_s = P.shape[0], A.shape[0]
        out = np.empty((N, n_s, o))
        chunk = max(1, _MAX_ELEMS // (n_s * max(h, o)))
        for c0 in range(0, N, chunk):
            Pc = P[c0:c0 + chunk]
            W1 = Pc[:, s["W1"]].reshape(-1, d, h)
            W2 = Pc[:, s["W2"]].reshape(-1, h, o)
            H = np.matmul(A, W1) + Pc[:, None, s["b1"]]
            H = np.tanh(H) if self.activation == "tanh" else np.maximum(H, 0.0, out=H)
            out[c0:c0 + chunk] = np.matmul(H, W2) + Pc[:, None, s["b2"]]
        return out

    def _predict(self, Z: np.ndarray) -> np.ndarray:
        return (Z[..., 0] > 0).astype(int) if self.n_outputs == 1 else Z.argmax(-1)

    def _loss(self, Z: np.ndarray, y: np.ndarray) -> np.ndarray:
        if self.loss == "error":
            return (self._predict(Z) != y).mean(-1)
        if self.n_outputs == 1:
            z = Z[..., 0]
            return (np.logaddexp(0.0, z) - y * z).mean(-1)          # binary cross-entropy with logits
        zmax = Z.max(-1, keepdims=True)
        lse = (zmax + np.log(np.exp(Z - zmax).sum(-1, keepdims=True)))[..., 0]
        return (lse - np.take_along_axis(Z, np.broadcast_to(y[None, :, None], Z.shape[:2] + (1,)), -1)[..., 0]).mean(-1)

    def evaluate(self, X):
        P = _population(self, X, binary=False)
        F = np.empty((P.shape[0], 2))
        F[:, 0] = (P != 0).mean(1)
        F[:, 1] = self._loss(self.forward(P), self.y_train)
        return F

    def test_error(self, X) -> np.ndarray:
        """Classification error of every network on the held-out part (not used by the objectives)."""
        return (self._predict(self.forward(X, self.X_test)) != self.y_test).mean(-1)

    def importance(self):
        return self._importance.copy()

    def groups(self):
        return self._groups.copy()
