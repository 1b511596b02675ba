"""Draw the 2-objective reference front of every registered problem into docs/img/front_<name>.png.

    python docs/make_front_figures.py              # every registered problem that takes 2 objectives
    python docs/make_front_figures.py smop1 zdt3   # only these

A problem is skipped (and said so) when it cannot be built with ``n_obj=2``, or knows no reference front.
The pictures are small (400 × 300 px) scatter plots of ``pareto_front()`` (10000 requested points,
PlatEMO's convention), one per problem.
"""
from __future__ import annotations

import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import lsmoo  # noqa: E402
from lsmoo.errors import LsmooError  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "img")


def front_2d(name: str):
    """The problem and its 2-objective reference front, or (None, reason)."""
    try:
        problem = lsmoo.get_problem(name, n_obj=2)
    except (LsmooError, TypeError, ValueError) as exc:
        return None, f"cannot be built with n_obj=2 ({exc})"
    if problem.n_obj != 2:
        return None, f"has {problem.n_obj} objectives"
    R = problem.pareto_front()
    if R is None:
        return None, "knows no reference front"
    R = np.asarray(R, dtype=float)
    if R.ndim != 2 or R.shape[1] != 2 or R.shape[0] == 0:
        return None, f"reference front of shape {R.shape}"
    return problem, R


def draw(name: str, problem, R, path: str):
    fig, ax = plt.subplots(figsize=(4, 3), dpi=100)
    ax.scatter(R[:, 0], R[:, 1], s=1.0, c="#1f5fa8", linewidths=0, rasterized=True)
    ax.set_xlabel("$f_1$", fontsize=9)
    ax.set_ylabel("$f_2$", fontsize=9)
    ax.tick_params(labelsize=8)
    ax.set_title(f"{name}: {R.shape[0]} reference points", fontsize=9)
    ax.grid(True, linewidth=0.3, alpha=0.5)
    fig.tight_layout(pad=0.4)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None):
    names = list(argv if argv is not None else sys.argv[1:]) or lsmoo.list_problems()
    os.makedirs(OUT, exist_ok=True)
    for name in names:
        problem, R = front_2d(name)
        if problem is None:
            print(f"skip {name}: {R}")
            continue
        path = os.path.join(OUT, f"front_{name}.png")
        draw(name, problem, R, path)
        print(f"wrote {os.path.relpath(path)} ({os.path.getsize(path) // 1024} KB)")


if __name__ == "__main__":
    main()
