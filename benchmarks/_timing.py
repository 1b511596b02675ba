"""Shared timing helper of the benchmark scripts (run as `python benchmarks/NAME.py`)."""
import time


def best_ms(fn, repeat):
    """Best wall time of ``repeat`` calls of ``fn``, in milliseconds."""
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best * 1e3
