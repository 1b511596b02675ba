"""Shared helpers of the benchmark scripts (run as `python benchmarks/NAME.py`): timing, writing results."""
import time


def best_ms(fn, repeat):
    """Best wall time of ``repeat`` calls of ``fn``, in milliseconds."""
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best * 1e3


def emit(text, out=None):
    """Print a result table and, with ``out``, write it to that file too."""
    print(text)
    if out:
        with open(out, "w") as f:
            f.write(text)
