"""Bad input never crashes with a traceback nor leaves a run directory that looks complete.

Complements tests/test_cli.py (unknown names, bad sizes on the command line) and
tests/test_problem_contract.py (validation of evaluate()'s output, bounds): here the same faults come
from a user problem in a real run, from the CLI end to end, from interrupted writes, and from fuzzing.
"""
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import lsmoo
from lsmoo import registry, result
from lsmoo.cli import main
from lsmoo.errors import ConfigError, LsmooError, ProblemError

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def error_lines(stderr):
    """stderr without warnings about plugins that fail to load (not what these tests are about)."""
    return [ln for ln in stderr.strip().splitlines()
            if ln.strip() and "could not be loaded" not in ln and "could not load" not in ln
            and not ln.strip().startswith("warnings.warn(")]


class Faulty(lsmoo.Problem):
    """A user problem that goes wrong in generation ``at`` (1-based) in the way ``fault`` says."""

    def __init__(self, fault="nan", at=3, n_var=6):
        super().__init__(n_var=n_var, n_obj=2, name="faulty")
        self.fault, self.at, self.calls = fault, at, 0

    def evaluate(self, X):
        self.calls += 1
        F = np.column_stack([X.sum(1), (1 - X).sum(1)])
        if self.calls < self.at:
            return F
        if self.fault == "nan":
            F[-1, 0] = np.nan
        elif self.fault == "inf":
            F[0, 1] = -np.inf
        elif self.fault == "shape":
            F = F[:, :1]
        elif self.fault == "rows":
            F = F[:-1]
        elif self.fault == "complex":
            F = F + 1j
        elif self.fault == "text":
            F = F.astype(str).astype(object)
            F[0, 0] = "oops"
        return F


@pytest.fixture
def faulty_registered(monkeypatch):
    registry.problems.names()  # load the built-ins first
    monkeypatch.setitem(registry.problems._entries, "faulty", registry.Entry("faulty", Faulty, {}))


@pytest.mark.parametrize("fault, message", [
    ("nan", r"faulty: evaluate\(\) returned NaN or inf in F .*row 9"),
    ("inf", r"faulty: evaluate\(\) returned NaN or inf in F .*row 0, column 1: -inf"),
    ("shape", r"faulty: evaluate\(\) returned F .* of shape \(10, 1\), expected \(10, 2\)"),
    ("rows", r"shape \(9, 2\), expected \(10, 2\)"),
    ("text", "non-numeric F"),
    ("complex", "complex F"),
])
def test_bad_objectives_mid_run_are_named(fault, message):
    with pytest.raises(ProblemError, match=message) as info:
        lsmoo.minimize(Faulty(fault), "nsga2", max_evals=200, pop_size=10, seed=1)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("fault", ["nan", "shape"])
def test_cli_bad_objectives_leave_no_finished_run(tmp_path, faulty_registered, capsys, fault):
    out = tmp_path / "run"
    args = ["solve", "faulty", "--max-evals", "200", "--pop-size", "10", "--quiet", "--out", str(out)]
    assert main(args + ["--param", "at=99"]) == 0 and (out / "meta.json").exists()  # a finished run ...
    capsys.readouterr()
    rc = main(args + ["--param", f"fault='{fault}'", "--param", "at=3"])          # ... rewritten, fails
    lines = error_lines(capsys.readouterr().err)
    assert rc == 1 and len(lines) == 1 and lines[0].startswith("lsmoo: error: faulty: evaluate()")
    assert not (out / "meta.json").exists()  # the directory no longer looks complete


@pytest.mark.parametrize("kwargs, exc, message", [
    (dict(algorithm="nope"), LsmooError, "unknown algorithm 'nope'"),
    (dict(pop_size=0), ConfigError, "pop_size must be an integer >= 2"),
    (dict(pop_size=-4), ConfigError, "pop_size must be an integer >= 2"),
    (dict(max_evals=0), ConfigError, "max_evals must be an integer >= 1"),
    (dict(max_evals=None), ConfigError, "give at least one of"),
    (dict(max_time=float("nan")), ConfigError, "max_time must be positive"),
    (dict(seed="1"), ConfigError, "seed must be an integer"),
    (dict(evaluator="cluster"), ConfigError, "unknown evaluator 'cluster'"),
    (dict(evaluator="process", workers=0), ConfigError, "workers must be a positive integer"),
    (dict(checkpoint_every=2), ConfigError, "need checkpoint=DIR"),
])
def test_bad_run_arguments_are_named(sphere2, kwargs, exc, message):
    kw = dict(algorithm="nsga2", max_evals=100, pop_size=10)
    kw.update(kwargs)
    with pytest.raises(exc, match=message):
        lsmoo.minimize(sphere2, kw.pop("algorithm"), **kw)


@pytest.mark.parametrize("args, message", [
    (["--max-time", "abc"], "expected a positive number, got 'abc'"),
    (["--max-time", "-1"], "expected a positive number"),
    (["--max-gen", "0"], "expected a positive integer"),
    (["--pop-size", "0"], "expected a positive integer"),
    (["--workers", "two"], "expected a positive integer, got 'two'"),
    (["--workers", "0"], "expected a positive integer"),
    (["--checkpoint-every", "x"], "expected an integer >= 0, got 'x'"),
    (["--checkpoint-every", "-3"], "expected an integer >= 0"),
    (["--evaluator", "gpu"], "invalid choice: 'gpu'"),
    (["--n-var", "-7"], "expected a positive integer"),
    (["--param", "noequals"], "expected KEY=VALUE"),
])
def test_cli_non_numeric_and_negative_values(tmp_path, capsys, args, message):
    with pytest.raises(SystemExit) as info:
        main(["solve", "zdt1", "--max-evals", "100", "--out", str(tmp_path / "x"), *args])
    lines = error_lines(capsys.readouterr().err)
    assert info.value.code == 2 and len(lines) == 1 and message in lines[0], lines
    assert not (tmp_path / "x").exists()


def test_cli_address_without_ray(tmp_path, capsys):
    rc = main(["solve", "zdt1", "--max-evals", "100", "--address", "auto", "--out", str(tmp_path / "x")])
    lines = error_lines(capsys.readouterr().err)
    assert rc == 1 and len(lines) == 1 and "--evaluator ray" in lines[0]
    assert not (tmp_path / "x").exists()


def test_cli_unwritable_output(tmp_path, capsys):
    rc = main(["solve", "zdt1", "--max-evals", "100", "--quiet", "--out", "/proc/lsmoo-test/run"])
    lines = error_lines(capsys.readouterr().err)
    assert rc == 1 and len(lines) == 1 and "cannot write to output directory" in lines[0]


@pytest.mark.parametrize("fail_on", ["result.npz", "meta.json"])
def test_interrupted_save_leaves_no_meta_and_no_temp_files(tmp_path, monkeypatch, sphere2, fail_on):
    res = lsmoo.minimize(sphere2, "nsga2", max_evals=100, pop_size=10, seed=1)
    out = tmp_path / "run"
    res.save(out, plot=False)
    real = result.os.replace

    def dies_before_rename(src, dst):  # the write reached a temp file, then the process lost the disk
        if str(dst).endswith(fail_on):
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(result.os, "replace", dies_before_rename)
    with pytest.raises(OSError):
        res.save(out, plot=False)
    assert not (out / "meta.json").exists()
    assert not list(out.glob(".*.tmp"))
    with pytest.raises(LsmooError, match="not a finished lsmoo run directory"):
        lsmoo.Result.load(out)


def test_killed_run_leaves_no_meta(tmp_path):
    """SIGKILL (no chance to clean up) in the middle of a CLI run: the directory is not 'finished'."""
    out = tmp_path / "run"
    code = ("import os, signal, lsmoo.engine as e\n"
            "orig = e.minimize\n"
            "def m(*a, **k):\n"
            "    k['callback'] = lambda algo, rec: rec['gen'] == 5 and os.kill(os.getpid(), signal.SIGKILL)\n"
            "    return orig(*a, **k)\n"
            "import lsmoo; lsmoo.minimize = m\n"
            "from lsmoo.cli import main\n"
            f"main(['solve', 'zdt1', '--max-evals', '2000', '--pop-size', '10', '--quiet', '--out', {str(out)!r},"
            " '--checkpoint-every', '2'])\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == -9
    assert out.is_dir() and not (out / "meta.json").exists()
    assert (out / "checkpoint.npz").exists() and not list(out.glob(".*.tmp"))


# ---------------------------------------------------------------------------------------------- fuzzing
class Echo(lsmoo.Problem):
    def __init__(self, out, n_constr=0):
        super().__init__(n_var=3, n_obj=2, n_constr=n_constr, name="echo")
        self.out = out

    def evaluate(self, X):
        return self.out


DTYPES = st.sampled_from([np.float64, np.float32, np.int64, np.int8, np.bool_, np.complex128, np.uint8,
                          "U3", "S2", "m8[s]", "M8[D]", object])
ARRAYS = hnp.arrays(DTYPES, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5),
                    elements=None)
FLOAT_ARRAYS = hnp.arrays(np.float64, st.sampled_from([(4, 2), (4, 1), (4,), (2, 4), (4, 2, 1), (0, 2), (4, 3)]),
                          elements=st.floats(allow_nan=True, allow_infinity=True))
LEAVES = st.one_of(st.none(), st.integers(), st.floats(), st.text(max_size=3), ARRAYS, FLOAT_ARRAYS)
RETURNS = st.one_of(LEAVES, st.lists(LEAVES, max_size=4), st.tuples(LEAVES), st.tuples(LEAVES, LEAVES),
                    st.tuples(LEAVES, LEAVES, LEAVES), st.dictionaries(st.text(max_size=2), LEAVES, max_size=2),
                    st.lists(st.lists(st.one_of(st.floats(), st.integers(), st.text(max_size=1)), max_size=3),
                             max_size=5))


@settings(max_examples=150)
@given(out=RETURNS, n_constr=st.sampled_from([0, 1]))
def test_fuzz_problem_contract(out, n_constr):
    """Whatever evaluate() returns: valid (F float64 4×2 finite, G 4×n_constr or None) or ProblemError
    with a one-line message — never another exception."""
    p = Echo(out, n_constr=n_constr)
    try:
        F, G = p.evaluate_checked(np.zeros((4, 3)))
    except ProblemError as exc:
        assert "\n" not in str(exc) and "echo" in str(exc)
        return
    assert F.dtype == np.float64 and F.shape == (4, 2) and np.isfinite(F).all()
    if G is not None:
        assert G.dtype == np.float64 and G.shape == (4, n_constr) and np.isfinite(G).all()
    else:
        assert n_constr == 0


TOKENS = ["solve", "list", "show", "demo", "bogus", "zdt1", "smop1", "nope", "--n-var", "--n-obj", "--max-evals",
          "--max-gen", "--max-time", "--pop-size", "--seed", "--out", "--algo", "--param", "--checkpoint-every",
          "--resume", "--evaluator", "--workers", "--address", "--quiet", "--rows", "--all", "--version", "-h",
          "0", "-1", "1", "2.5", "1e3", "abc", "", "nan", "inf", "10", "x=1", "=", "nsga2", "ray", "process",
          "OUT", "OUT/sub", "1_000", "--", "-"]


@settings(max_examples=100)
@given(argv=st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=4)), max_size=8))
def test_fuzz_cli_arguments(argv, tmp_path_factory, monkeypatch_module):
    """Random argument lists: exit code 0, 1 or 2 only; on error exactly one line on stderr. Runs stop at
    minimize() (replaced by a stub that fails like a run would), so the fuzzing stays fast."""
    import contextlib
    import io

    out = str(tmp_path_factory.mktemp("fuzz"))
    argv = [a.replace("OUT", out) for a in argv]
    err, std = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(std):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code
    assert code in (0, 1, 2), (argv, code, err.getvalue())
    lines = error_lines(err.getvalue())
    assert "Traceback" not in err.getvalue()
    if code == 1 or (code == 2 and lines):
        assert len(lines) == 1, (argv, lines)


@pytest.fixture(scope="module")
def monkeypatch_module():
    import tempfile

    mp = pytest.MonkeyPatch()
    mp.chdir(tempfile.mkdtemp(prefix="lsmoo-fuzz-"))  # `demo` writes runs/demo under the working directory

    def stub(*args, **kwargs):
        raise LsmooError("stub: no run during fuzzing")

    mp.setattr(lsmoo, "minimize", stub)
    yield mp
    mp.undo()
