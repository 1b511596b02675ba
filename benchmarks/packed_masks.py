"""Bit-packed masks vs unpacked bool arrays: time and memory of the binary operators, same run.

    python benchmarks/packed_masks.py [--n-vars 100000,1000000,10000000] [--rows 100] [--out FILE]

A population of K masks over D variables, 10 % ON (random).  Each operation is timed on the packed
population (lsmoo.kernels.packed) and on the same masks as a K x D bool array with plain numpy, both
*including* drawing the random numbers the operation needs from a numpy Generator:

* uniform crossover: K/2 pairs -> K children, every pair crossed.  Packed: ``random_bits`` +
  ``uniform_crossover``; numpy: ``rng.integers(0, 2, dtype=bool)`` + two ``np.where``.
* bit-flip mutation, p = 1/D: flip sites drawn by ``bernoulli_sites`` (O(K·D·p)) for both; packed
  ``flip_sites`` vs ``X.reshape(-1)[sites] ^= True``.
* weighted flips: per row turn 10 OFF bits ON and 10 ON bits OFF, chosen with probability proportional
  to importance weights (random, one per variable), without replacement.  Packed ``weighted_flip``
  (weights prepared once with ``flip_weights``, as an algorithm would); numpy: per row
  ``flatnonzero`` of the candidates + ``rng.choice(..., replace=False, p=...)``.
* popcount: ``popcount`` vs ``np.count_nonzero(X, axis=1)``.
* unique rows (20 of the K rows are copies): ``unique_rows`` vs a dict keyed by ``X[i].tobytes()``
  (``np.unique(X, axis=0)``, the textbook numpy answer, is far slower: 16 s at D = 10^6).
* unpack one row: ``unpack_rows(P, [i], D)`` (no unpacked counterpart).

Times are the best of several repeats (fewer at large D), in milliseconds; Numba kernels are compiled
(or loaded from cache) before timing.  An unpacked variant whose estimated peak memory exceeds 4 GB is
skipped.  Single-threaded everywhere.
"""
from __future__ import annotations

import argparse
import platform
import sys
from datetime import datetime, timezone

import numba
import numpy as np

from lsmoo.kernels import packed as pk
from lsmoo.kernels.sampling import bernoulli_sites

from _timing import best_ms, emit  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

DENSITY = 0.1
N_FLIP = 10
MEM_LIMIT = 4 * 2**30




def make_population(rng, K, D):
    """Packed K x D masks, DENSITY ON, rows K-20.. copy rows 0..19; built row by row."""
    P = pk.zeros(K, D)
    for i in range(K):
        P[i] = pk.pack((rng.random(D) < DENSITY)[None])[0]
    n_dup = min(20, K // 2)
    P[K - n_dup:] = P[:n_dup]
    return P


def warm_up():
    rng = np.random.default_rng(0)
    P = make_population(rng, 6, 200)
    pk.uniform_crossover(P[:3], P[3:], pk.random_bits(rng, 3, 200), np.ones(3, bool))
    pk.flip_sites(P, np.array([1, 5]), 200)
    w = pk.flip_weights(rng.random(200))
    pk.weighted_flip(P, None, w, w, rng.random((6, 2)), rng.random((6, 2)), 2, 2, 200)
    pk.popcount(P)
    pk.unique_rows(P)
    pk.unpack_rows(P, [0], 200)


def bench(D, K, seed):
    rng = np.random.default_rng(seed)
    P = make_population(rng, K, D)
    h = K // 2
    repeat = 5 if D <= 10**5 else 3 if D <= 10**6 else 2
    unpacked_bytes = K * D
    X = pk.unpack(P, D) if unpacked_bytes <= MEM_LIMIT else None
    w = rng.random(D)
    fw = pk.flip_weights(w)
    rows = []

    def fits(extra):
        return X is not None and unpacked_bytes + extra <= MEM_LIMIT

    # uniform crossover
    cross = np.ones(h, dtype=bool)
    t_p = best_ms(lambda: pk.uniform_crossover(P[:h], P[h:], pk.random_bits(rng, h, D), cross), repeat)

    def np_ux():
        swap = rng.integers(0, 2, size=(h, D), dtype=np.bool_)
        return np.where(swap, X[h:], X[:h]), np.where(swap, X[:h], X[h:])
    t_u = best_ms(np_ux, repeat) if fits(h * D + 2 * h * D) else None
    rows.append(("uniform crossover", t_p, t_u))

    # bit-flip mutation p = 1/D
    Pm = P.copy()
    t_p = best_ms(lambda: pk.flip_sites(Pm, bernoulli_sites(rng, K * D, 1.0 / D), D), max(repeat, 5))
    if fits(K * D):
        Xm = X.copy()

        def np_bf():
            Xm.reshape(-1)[bernoulli_sites(rng, K * D, 1.0 / D)] ^= True
        t_u = best_ms(np_bf, max(repeat, 5))
        del Xm
    else:
        t_u = None
    rows.append(("bit-flip mutation, p = 1/D", t_p, t_u))

    # weighted flips
    Pw = P.copy()
    t_p = best_ms(lambda: pk.weighted_flip(Pw, None, fw, fw, rng.random((K, N_FLIP)), rng.random((K, N_FLIP)),
                                           N_FLIP, N_FLIP, D), repeat)
    if fits(K * D + 40 * D):
        Xw = X.copy()
        pos = w > 0

        def np_wf():
            for k in range(K):
                row = Xw[k]
                on_c = np.flatnonzero(~row & pos)
                off_c = np.flatnonzero(row & pos)
                pw = w[on_c]
                turn_on = rng.choice(on_c, N_FLIP, replace=False, p=pw / pw.sum())
                pw = w[off_c]
                turn_off = rng.choice(off_c, N_FLIP, replace=False, p=pw / pw.sum())
                row[turn_on] = True
                row[turn_off] = False
        t_u = best_ms(np_wf, 1 if D >= 10**7 else repeat)
        del Xw
    else:
        t_u = None
    rows.append((f"weighted flips ({N_FLIP} on + {N_FLIP} off per row)", t_p, t_u))

    # popcount
    t_p = best_ms(lambda: pk.popcount(P), repeat)
    t_u = best_ms(lambda: np.count_nonzero(X, axis=1), repeat) if fits(8 * K) else None
    rows.append(("popcount", t_p, t_u))

    # unique rows
    t_p = best_ms(lambda: pk.unique_rows(P), repeat)
    found = []

    def np_unique():
        first = {}
        for i in range(K):
            first.setdefault(X[i].tobytes(), i)
        found.append(np.fromiter(first.values(), dtype=np.int64))
    t_u = best_ms(np_unique, repeat) if fits(2 * D) else None
    assert not found or (pk.unique_rows(P) == found[-1]).all()
    rows.append(("unique rows", t_p, t_u))

    # unpack one row
    t_p = best_ms(lambda: pk.unpack_rows(P, [K // 2], D), max(repeat, 5))
    rows.append(("unpack one row", t_p, None))
    return rows, P.nbytes, unpacked_bytes


def fmt_ms(t):
    if t is None:
        return "—"
    return f"{t:.3f}" if t < 1 else f"{t:.2f}" if t < 10 else f"{t:.1f}" if t < 100 else f"{t:.0f}"


def fmt_bytes(b):
    return f"{b / 1e6:.1f} MB" if b < 1e9 else f"{b / 1e9:.2f} GB"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n-vars", default="100000,1000000,10000000")
    ap.add_argument("--rows", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out")
    a = ap.parse_args()
    warm_up()
    lines = [
        "| operation | D | packed (ms) | unpacked numpy (ms) | speed-up |",
        "|---|---:|---:|---:|---:|",
    ]
    mem = ["| D | packed (K x ceil(D/8) uint8) | unpacked (K x D bool) |", "|---:|---:|---:|"]
    for D in (int(v) for v in a.n_vars.split(",")):
        rows, pb, ub = bench(D, a.rows, a.seed)
        for name, tp, tu in rows:
            sp = f"{tu / tp:.1f}x" if tu is not None and tp > 0 else "—"
            lines.append(f"| {name} | {D:,} | {fmt_ms(tp)} | {fmt_ms(tu)} | {sp} |")
            print(lines[-1], flush=True)
        mem.append(f"| {D:,} | {fmt_bytes(pb)} | {fmt_bytes(ub)} |")
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    header = [
        f"# packed masks benchmark, K = {a.rows} rows, {DENSITY:.0%} ON",
        "",
        f"command: python {' '.join(sys.argv)}",
        f"date: {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"machine: {cpu}, {platform.system()}; python {platform.python_version()}, numpy {np.__version__}, "
        f"numba {numba.__version__}; single thread",
        "",
    ]
    text = "\n".join(header + lines + ["", "Memory of the population:", ""] + mem) + "\n"
    print()
    emit(text, a.out)


if __name__ == "__main__":
    main()
