"""Time lsmoo.kernels.nd_sort against pymoo's non-dominated sorting on random data.

Usage:  python benchmarks/kernels_nds.py [--repeat R] [--seed S]

For every (M, N) the same uniform random F (minimization) goes to:

* ``lsmoo``        lsmoo.kernels.nd_sort(F)                 (Numba; compiled by a warm-up call first)
* ``lsmoo n/2``    lsmoo.kernels.nd_sort(F, n_stop=N // 2)   (what NSGA-II survival asks for)
* ``pymoo``        pymoo NonDominatedSorting().do(F)          (its default; in pymoo 0.6.2 this is
                   moocore.pareto_rank plus building the list of fronts)
* ``pymoo ENS``    pymoo's compiled efficient_non_dominated_sort (the default before 0.6.2), if present

Times are the best of ``--repeat`` runs, in milliseconds; ``ratio`` = pymoo / lsmoo (> 1: lsmoo is
faster).  The ranks of every method are checked to agree before timing.
"""
from __future__ import annotations

import argparse
import platform

import numpy as np

from lsmoo.kernels import nd_sort

from _timing import best_ms  # noqa: E402  (benchmarks/ is on sys.path when run as a script)


def ranks_from_fronts(fronts, n):
    r = np.empty(n, dtype=np.int64)
    for i, f in enumerate(fronts):
        r[np.asarray(f, dtype=np.int64)] = i
    return r


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    import pymoo
    from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting

    try:
        from pymoo.functions import load_function

        ens = load_function("efficient_non_dominated_sort")
    except Exception:  # pragma: no cover - pymoo without that function
        ens = None

    import numba

    print(f"numpy {np.__version__}, numba {numba.__version__}, pymoo {pymoo.__version__}, "
          f"python {platform.python_version()}, {platform.machine()}")
    print(f"best of {args.repeat} runs, milliseconds; ratio = pymoo / lsmoo\n")
    head = f"{'M':>2} {'N':>6} {'fronts':>6} | {'lsmoo':>8} {'lsmoo n/2':>9} | {'pymoo':>8} {'ratio':>6} | {'pymoo ENS':>9} {'ratio':>6}"
    print(head)
    print("-" * len(head))

    nds = NonDominatedSorting()
    rng = np.random.default_rng(args.seed)
    nd_sort(rng.random((50, 3)))  # warm-up: compile (or load from cache) before any timing
    for m in (2, 3, 5):
        for n in (1000, 10000):
            F = rng.random((n, m))
            nd_sort(F)
            nd_sort(F, n // 2)
            ours = nd_sort(F)
            assert np.array_equal(ours, ranks_from_fronts(nds.do(F), n)), "pymoo disagrees"
            t_ours = best_ms(lambda: nd_sort(F), args.repeat)
            t_half = best_ms(lambda: nd_sort(F, n // 2), args.repeat)
            t_pymoo = best_ms(lambda: nds.do(F), args.repeat)
            row = (f"{m:>2} {n:>6} {ours.max() + 1:>6} | {t_ours:>8.2f} {t_half:>9.2f} | "
                   f"{t_pymoo:>8.2f} {t_pymoo / t_ours:>6.1f} | ")
            if ens is not None:
                assert np.array_equal(ours, ranks_from_fronts(ens(F), n)), "pymoo ENS disagrees"
                t_ens = best_ms(lambda: ens(F), args.repeat)
                row += f"{t_ens:>9.2f} {t_ens / t_ours:>6.1f}"
            else:
                row += f"{'n/a':>9} {'':>6}"
            print(row, flush=True)


if __name__ == "__main__":
    main()
