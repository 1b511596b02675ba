"""Plots of fronts and convergence (matplotlib, Agg backend; imported only when a plot is drawn)."""
from __future__ import annotations

from pathlib import Path

import numpy as np


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def save_front_plot(F, path, reference_front=None, title: str = "", labels=None):
    """Draw a front: a scatter for 2 and 3 objectives, parallel coordinates beyond; the reference
    front (when given) in grey underneath. Returns the path."""
    plt = _pyplot()
    F = np.asarray(F, dtype=float)
    m = F.shape[1]
    labels = labels or [f"f{i + 1}" for i in range(m)]
    fig = plt.figure(figsize=(5.5, 4.2), dpi=100)
    try:
        if m == 2:
            ax = fig.add_subplot(111)
            if reference_front is not None:
                R = np.asarray(reference_front)
                ax.plot(R[:, 0], R[:, 1], ".", ms=1, color="0.7", label="reference front")
            o = np.argsort(F[:, 0])
            ax.plot(F[o, 0], F[o, 1], "o", ms=4, color="C0", label=f"obtained ({len(F)})")
            ax.set_xlabel(labels[0])
            ax.set_ylabel(labels[1])
            ax.legend(loc="best", fontsize=8)
            ax.grid(alpha=0.3)
        elif m == 3:
            ax = fig.add_subplot(111, projection="3d")
            if reference_front is not None:
                R = np.asarray(reference_front)
                ax.scatter(R[:, 0], R[:, 1], R[:, 2], s=0.5, color="0.75", alpha=0.4)
            ax.scatter(F[:, 0], F[:, 1], F[:, 2], s=8, color="C0")
            ax.set_xlabel(labels[0])
            ax.set_ylabel(labels[1])
            ax.set_zlabel(labels[2])
        else:
            ax = fig.add_subplot(111)
            for row in F:
                ax.plot(np.arange(1, m + 1), row, color="C0", alpha=0.3, lw=0.8)
            ax.set_xticks(np.arange(1, m + 1), labels)
            ax.set_ylabel("objective value")
        ax.set_title(title, fontsize=9)
        fig.tight_layout()
        path = Path(path)
        tmp = path.with_name(f".{path.name}.tmp.png")
        fig.savefig(tmp)
        tmp.replace(path)
    finally:
        plt.close(fig)
    return path


def save_convergence_plot(curves: dict, path, ylabel: str = "IGD", logy: bool = True, title: str = ""):
    """``curves`` maps a label to (evaluations, values) arrays; one line each."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 4.0), dpi=100)
    try:
        for label, (x, y) in curves.items():
            ax.plot(x, y, label=label)
        if logy:
            ax.set_yscale("log")
        ax.set_xlabel("evaluations")
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        ax.set_title(title, fontsize=9)
        fig.tight_layout()
        fig.savefig(path)
    finally:
        plt.close(fig)
    return Path(path)
