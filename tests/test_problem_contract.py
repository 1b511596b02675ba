import numpy as np
import pytest

import lsmoo
from lsmoo.errors import ProblemError


class Echo(lsmoo.Problem):
    """Returns whatever it was told to, to exercise validation."""

    def __init__(self, out, n_var=3, n_obj=2, n_constr=0):
        super().__init__(n_var=n_var, n_obj=n_obj, n_constr=n_constr, name="echo")
        self.out = out

    def evaluate(self, X):
        return self.out(X) if callable(self.out) else self.out


def test_bounds_stored_as_arrays(sphere2):
    assert sphere2.xl.shape == (5,) and sphere2.xu.shape == (5,)
    assert np.all(sphere2.xl == -1) and np.all(sphere2.xu == 2)
    with pytest.raises(ValueError):
        sphere2.xl[0] = 3  # read-only


def test_binary_encoding_forces_unit_bounds():
    class B(lsmoo.Problem):
        def __init__(self):
            super().__init__(n_var=4, n_obj=2, encoding="binary")

    b = B()
    assert b.encoding == "binary" and np.all(b.xl == 0) and np.all(b.xu == 1)


@pytest.mark.parametrize("kwargs, message", [
    (dict(n_var=0, n_obj=2), "n_var must be a positive integer"),
    (dict(n_var=-3, n_obj=2), "n_var must be a positive integer"),
    (dict(n_var=2.5, n_obj=2), "n_var must be a positive integer"),
    (dict(n_var=3, n_obj=0), "n_obj must be a positive integer"),
    (dict(n_var=3, n_obj=2, xl=1.0, xu=0.0), "lower bound above upper bound at variable 0"),
    (dict(n_var=3, n_obj=2, xl=[0, 0], xu=1), "xl must be a scalar or have length n_var=3"),
    (dict(n_var=3, n_obj=2, xl=0, xu=np.inf), "xu must be finite"),
    (dict(n_var=3, n_obj=2, xl="a"), "xl must be a number"),
    (dict(n_var=3, n_obj=2, encoding="int"), "encoding must be one of"),
    (dict(n_var=3, n_obj=2, n_constr=-1), "n_constr must be a non-negative integer"),
])
def test_constructor_validation(kwargs, message):
    with pytest.raises(ProblemError, match=message):
        lsmoo.Problem(name="bad", **kwargs)


def test_float_integral_sizes_accepted():
    p = lsmoo.Problem(n_var=4.0, n_obj=2)
    assert p.n_var == 4 and isinstance(p.n_var, int)


@pytest.mark.parametrize("out, message", [
    (np.zeros((4, 3)), r"shape \(4, 3\), expected \(4, 2\)"),
    (np.zeros(4), r"shape \(4,\)"),
    (np.array([[0, np.nan]] * 4), "NaN or inf in F .* row 0, column 1"),
    (np.array([[0, 1]] * 3 + [[np.inf, 0]]), "NaN or inf in F .* row 3, column 0"),
    (np.array([["a", "b"]] * 4), "non-numeric F"),
    ((np.zeros((4, 2)), np.zeros((4, 1)), 1), "tuple of 3 items"),
])
def test_evaluate_output_validated(out, message):
    p = Echo(out)
    with pytest.raises(ProblemError, match=message) as info:
        p.evaluate_checked(np.zeros((4, 3)))
    assert "echo" in str(info.value)


def test_input_shape_validated(sphere2):
    with pytest.raises(ProblemError, match=r"N × 5 array, got shape \(3,\)"):
        sphere2.evaluate_checked(np.zeros(3))


def test_constraints_returned_and_checked():
    good = Echo((np.zeros((2, 2)), np.ones((2, 1))), n_constr=1)
    F, G = good.evaluate_checked(np.zeros((2, 3)))
    assert G.shape == (2, 1)
    missing = Echo(np.zeros((2, 2)), n_constr=1)
    with pytest.raises(ProblemError, match="no G"):
        missing.evaluate_checked(np.zeros((2, 3)))


def test_single_objective_column_vector_accepted():
    p = Echo(lambda X: X.sum(1), n_obj=1)
    F, _ = p.evaluate_checked(np.ones((5, 3)))
    assert F.shape == (5, 1) and np.all(F == 3)


def test_optional_structure_defaults(sphere2):
    assert sphere2.pareto_front() is None and sphere2.importance() is None and sphere2.groups() is None


def test_import_lsmoo_is_light():
    import subprocess
    import sys

    code = ("import sys, lsmoo; lsmoo.Problem; "
            "bad = [m for m in ('torch', 'ray', 'pymoo', 'matplotlib', 'numba', 'deap') if m in sys.modules]; "
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


class CountOnes(lsmoo.Problem):
    """Binary problem that reads packed rows: f1 = ones, f2 = zeros."""

    packed_input = True

    def __init__(self, n_var=13):
        super().__init__(n_var=n_var, n_obj=2, encoding="binary", name="countones")
        self.seen = None

    def evaluate(self, P):
        from lsmoo.kernels.packed import popcount

        self.seen = P
        k = popcount(P).astype(float)
        return np.column_stack([k, self.n_var - k])


def test_packed_input_problem_receives_packed_rows():
    p = CountOnes()
    X = np.zeros((3, 13), dtype=bool)
    X[0, :5] = True
    X[2] = True
    F, _ = p.evaluate_checked(X)
    assert p.seen.dtype == np.uint8 and p.seen.shape == (3, 2)
    assert F[:, 0].tolist() == [5, 0, 13]
    # packed rows in, packed rows through; and to a bool-row problem they are unpacked
    F2, _ = p.evaluate_checked(np.packbits(X, axis=1), packed=True)
    assert np.array_equal(F, F2)

    class Bool(CountOnes):
        packed_input = False

        def evaluate(self, X):
            self.seen = X
            k = X.sum(1).astype(float)
            return np.column_stack([k, self.n_var - k])

    b = Bool()
    F3, _ = b.evaluate_checked(np.packbits(X, axis=1), packed=True)
    assert b.seen.dtype == bool and np.array_equal(b.seen, X) and np.array_equal(F3, F)
    with pytest.raises(ProblemError, match="N × 2 packed"):
        b.evaluate_checked(X, packed=True)


def test_packed_input_problem_solved_by_nsga2():
    res = lsmoo.minimize(CountOnes(40), "nsga2", max_evals=600, pop_size=20, seed=1)
    assert res.X.dtype == bool and np.all(res.F.sum(1) == 40)
