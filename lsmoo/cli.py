"""The ``lsmoo`` command.

    lsmoo solve PROBLEM --n-var D [--n-obj M] --algo NAME --max-evals E --seed S --out DIR [--pop-size N] [--quiet]
                [--checkpoint-every K] [--resume] [--evaluator local|process|ray] [--workers N] [--address A]
    lsmoo list
    lsmoo show DIR
    lsmoo demo [--out DIR]

Plugins add sub-commands through the entry-point group ``lsmoo.commands``: the entry point's object is
called as ``register(subparsers)`` and adds its own parser with ``set_defaults(func=...)``.

Every error a user can cause ends with a one-line message on stderr and a non-zero exit.
"""
from __future__ import annotations

import argparse
import ast
import math
import os
import sys
from importlib import metadata

from .checkpoint import RunInterrupted
from .errors import LsmooError

EXIT_USAGE = 2
EXIT_ERROR = 1


class CliError(LsmooError):
    pass


def one_line(text) -> str:
    """``text`` with line breaks and other unprintable characters escaped, so that an error message
    quoting user input stays on one line."""
    text = str(text)
    return text if text.isprintable() else "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage dump
        self.exit(EXIT_USAGE, f"{one_line(self.prog)}: error: {one_line(message)}\n")


def positive_int(text: str) -> int:
    try:
        v = float(text.replace("_", "")) if any(c in text for c in ".eE_") else int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if isinstance(v, float):
        if not math.isfinite(v) or not v.is_integer():
            raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
        v = int(v)
    if v <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return v


def positive_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not math.isfinite(v) or v <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return v


def non_negative_int(text: str) -> int:
    if text.strip() in ("0", "+0", "-0"):
        return 0
    try:
        return positive_int(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}") from None


def seed_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer seed, got {text!r}") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer seed, got {text!r}")
    return v


def key_value(text: str):
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    k, v = text.split("=", 1)
    if not k.isidentifier():
        raise argparse.ArgumentTypeError(f"bad parameter name {k!r}")
    try:
        v = ast.literal_eval(v)
    except (ValueError, SyntaxError):
        pass  # keep it as a string
    return k, v


# ---------------------------------------------------------------------------------------------- solve
def add_run_arguments(p, default_evals=None):
    """Options shared by every command that runs an optimizer."""
    p.add_argument("--algo", default="nsga2", help="algorithm name (see `lsmoo list`)")
    p.add_argument("--max-evals", type=positive_int, default=default_evals, help="evaluation budget")
    p.add_argument("--max-gen", type=positive_int, help="generation budget")
    p.add_argument("--max-time", type=positive_float, help="wall-time budget in seconds")
    p.add_argument("--pop-size", type=positive_int, default=100, help="population size (default 100)")
    p.add_argument("--seed", type=seed_int, default=1, help="random seed (default 1)")
    p.add_argument("--out", required=True, help="run directory to write")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--checkpoint-every", type=non_negative_int, default=0, metavar="K",
                   help="write DIR/checkpoint.npz every K generations (always at the end and on Ctrl-C/SIGTERM)")
    p.add_argument("--resume", action="store_true",
                   help="continue from DIR/checkpoint.npz (same arguments) to the identical result")
    p.add_argument("--evaluator", choices=("local", "process", "ray"), default="local",
                   help="where evaluate() runs (default local; ray needs lsmoo[distributed])")
    p.add_argument("--workers", type=positive_int, help="worker processes / Ray actors (process, ray)")
    p.add_argument("--address", help="address of an existing Ray cluster (e.g. auto or ray://host:10001)")


def cmd_solve(args) -> int:
    import lsmoo
    from .result import prepare_out_dir

    kwargs = dict(args.param or [])
    problem = lsmoo.get_problem(args.problem, n_var=args.n_var, n_obj=args.n_obj, **kwargs)
    lsmoo.registry.algorithms.entry(args.algo)  # unknown names fail before any work
    if args.max_evals is None and args.max_gen is None and args.max_time is None:
        raise CliError("give a budget: --max-evals, --max-gen or --max-time")
    if args.address is not None and args.evaluator != "ray":
        raise CliError("--address is the address of a Ray cluster: use it with --evaluator ray")
    prepare_out_dir(args.out)
    return run_and_save(problem, args)


def run_and_save(problem, args) -> int:
    import lsmoo

    res = lsmoo.minimize(problem, args.algo, max_evals=args.max_evals, max_gen=args.max_gen,
                         max_time=args.max_time, seed=args.seed, pop_size=args.pop_size,
                         progress=not args.quiet, checkpoint=args.out,
                         checkpoint_every=getattr(args, "checkpoint_every", 0) or 0,
                         resume=bool(getattr(args, "resume", False)),
                         evaluator=getattr(args, "evaluator", None) or "local",
                         workers=getattr(args, "workers", None), address=getattr(args, "address", None))
    pf = problem.pareto_front()
    out = res.save(args.out, reference_front=pf)
    msg = (f"{res.algo} on {res.problem} (D={res.n_var}, M={res.n_obj}): {len(res.F)} non-dominated "
           f"solutions, {res.evaluations} evaluations, {res.wall_seconds:.2f} s")
    if pf is not None:
        msg += f", IGD {lsmoo.igd(res.F, pf):.4g}"
    print(msg)
    print(f"wrote {out}/ (front.csv, meta.json, history.csv, result.npz, front.png)")
    return 0


# ---------------------------------------------------------------------------------------------- list/show
def cmd_list(args) -> int:
    from .registry import algorithms, problems

    print("problems:")
    rows = []
    for name in problems.names():
        f = problems.entry(name).factory
        doc = ((getattr(f, "__doc__", None) or "").strip().splitlines() or [""])[0]
        rows.append((name, getattr(f, "default_encoding", "real"), _default_size(f),
                     str(getattr(f, "default_n_obj", "-")), "yes" if getattr(f, "sparse", False) else "no", doc))
    header = ("name", "encoding", "n_var", "n_obj", "sparse", "description")
    _table([header] + rows)
    print("\nalgorithms:")
    arows = []
    for name in algorithms.names():
        e = algorithms.entry(name)
        arows.append((name, e.info.get("description") or
                      ((e.factory.__doc__ or "").strip().splitlines() or [""])[0]))
    _table([("name", "description")] + arows)
    return 0


def _default_size(factory) -> str:
    """The default n_var: the class attribute, or (when it depends on other defaults) the size of an
    instance built with all defaults."""
    dv = getattr(factory, "default_n_var", None)
    if dv is not None:
        return str(dv)
    try:
        return str(factory().n_var)
    except Exception:
        return "-"


def _table(rows, max_width=70):
    rows = [[str(c) if len(str(c)) <= max_width else str(c)[: max_width - 1] + "…" for c in r] for r in rows]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for j, r in enumerate(rows):
        print("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
        if j == 0:
            print("  " + "  ".join("-" * w for w in widths))


def cmd_show(args) -> int:
    from .result import Result

    res = Result.load(args.dir)
    print(f"{res.algo} on {res.problem} (D={res.n_var}, M={res.n_obj}, seed={res.seed}): "
          f"{res.evaluations} evaluations in {res.wall_seconds:.2f} s, {len(res.F)} non-dominated solutions")
    order = sorted(range(len(res.F)), key=lambda i: tuple(res.F[i]))
    rows = [("#",) + tuple(f"f{i + 1}" for i in range(res.n_obj))]
    shown = order if args.all else order[: args.rows]
    for i in shown:
        rows.append((str(i),) + tuple(f"{v:.6g}" for v in res.F[i]))
    _table(rows)
    if len(shown) < len(order):
        print(f"  … {len(order) - len(shown)} more (use --all)")
    last = next((h for h in reversed(res.history) if h.get("igd") is not None), None)
    if last is not None:
        print(f"final IGD {last['igd']:.4g}, HV {last['hv']:.4g} (at {last['evaluations']} evaluations)")
    png = os.path.join(args.dir, "front.png")
    print(f"plot: {png}" if os.path.exists(png) else "plot: none")
    return 0


def cmd_bench(args) -> int:
    from .bench import SUITES, run_grid

    if bool(args.suite) == bool(args.problems):
        raise CliError("give either --suite or --problems")
    problems = SUITES[args.suite] if args.suite else [p.strip() for p in args.problems.split(",") if p.strip()]
    algos = [a.strip() for a in args.algos.split(",") if a.strip()]
    from .result import prepare_out_dir

    prepare_out_dir(args.out, clear_meta=False)
    run_grid(problems, algos, args.n_var, args.n_obj, args.runs, args.max_evals, args.out,
             workers=args.workers, baseline=args.baseline, progress=not args.quiet,
             log=(lambda *a: None) if args.quiet else print, run=not args.no_run)
    print(f"wrote {args.out}/ (summary.csv, summary.md, convergence_*.png, runs/)")
    return 0


def cmd_demo(args) -> int:
    """The embedded default job: a sparse large-scale benchmark solved end to end."""
    import lsmoo
    from .result import prepare_out_dir

    problem = lsmoo.get_problem("smop1", n_var=1000, n_obj=2)
    prepare_out_dir(args.out)
    ns = argparse.Namespace(algo=args.algo, max_evals=args.max_evals, max_gen=None, max_time=None,
                            seed=args.seed, pop_size=100, out=args.out, quiet=args.quiet)
    return run_and_save(problem, ns)


# ---------------------------------------------------------------------------------------------- main
def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = _Parser(prog="lsmoo", description="Large-scale and sparse multi-objective optimization.")
    parser.add_argument("--version", action="version", version=f"lsmoo {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("solve", help="solve a registered problem and write a run directory")
    p.add_argument("problem", help="problem name (see `lsmoo list`)")
    p.add_argument("--n-var", type=positive_int, help="number of decision variables")
    p.add_argument("--n-obj", type=positive_int, help="number of objectives")
    p.add_argument("--param", type=key_value, action="append", metavar="KEY=VALUE",
                   help="extra problem parameter, e.g. --param theta=0.2 (repeatable)")
    add_run_arguments(p)
    p.set_defaults(func=cmd_solve)

    p = sub.add_parser("bench", help="run a benchmark grid (problems x algorithms x seeds), resumable")
    p.add_argument("--suite", choices=["smop", "lsmop", "zdt", "dtlz", "all"], help="a problem suite")
    p.add_argument("--problems", help="comma-separated problem names instead of a suite")
    p.add_argument("--n-var", type=positive_int, help="number of decision variables")
    p.add_argument("--n-obj", type=positive_int, help="number of objectives")
    p.add_argument("--algos", default="hierarchical,sparseea,nsga2",
                   help="comma-separated algorithm names; peers from other libraries are named "
                   "LIBRARY.ALGORITHM: pymoo.nsga2, pymoo.moead, deap.nsga2 (pip install "
                   "'lsmoo[peers]'), evomo.sparseea, evomo.lmocso, evomo.wof, evomo.lsmof "
                   "(pip install 'lsmoo[peers-evomo]')")
    p.add_argument("--baseline", help="algorithm the others are tested against (default: the first)")
    p.add_argument("--runs", type=positive_int, default=5, help="seeds 1..RUNS per cell (default 5)")
    p.add_argument("--max-evals", type=positive_int, required=True, help="evaluation budget per run")
    p.add_argument("--workers", type=positive_int, default=1, help="runs in parallel (processes)")
    p.add_argument("--out", required=True, help="benchmark directory (resumable)")
    p.add_argument("--quiet", action="store_true", help="no per-run lines")
    p.add_argument("--no-run", action="store_true",
                   help="run nothing: write the summary, tables and plots from the finished cells "
                   "(an interrupted or still-running grid; missing cells are shown as such)")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("list", help="list problems and algorithms")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", help="summarize a run directory")
    p.add_argument("dir")
    p.add_argument("--rows", type=positive_int, default=20, help="rows of the front to print (default 20)")
    p.add_argument("--all", action="store_true", help="print every row")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("demo", help="run the embedded default job (hierarchical engine on SMOP1, D=1000)")
    p.add_argument("--out", default="runs/demo")
    p.add_argument("--algo", default="hierarchical")
    p.add_argument("--max-evals", type=positive_int, default=20_000)
    p.add_argument("--seed", type=seed_int, default=1)
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_demo)

    try:
        eps = metadata.entry_points(group="lsmoo.commands")
    except Exception:  # pragma: no cover
        eps = ()
    for ep in eps:
        try:
            ep.load()(sub)
        except Exception as exc:
            print(f"lsmoo: warning: plugin command {ep.name!r} could not be loaded: {exc}", file=sys.stderr)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.func(args) or 0)
    except LsmooError as exc:
        print(f"lsmoo: error: {one_line(exc)}", file=sys.stderr)
        return EXIT_ERROR
    except RunInterrupted as exc:
        print(f"lsmoo: {one_line(exc)}; continue with the same arguments and --resume", file=sys.stderr)
        return 128 + exc.signum
    except KeyboardInterrupt:
        print("lsmoo: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        print(f"lsmoo: error: {one_line(exc.strerror or exc)}{one_line(where)}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # never a traceback for users; LSMOO_DEBUG=1 shows it
        if os.environ.get("LSMOO_DEBUG"):
            raise
        print(f"lsmoo: internal error: {type(exc).__name__}: {one_line(exc)} (set LSMOO_DEBUG=1 for the traceback)",
              file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
