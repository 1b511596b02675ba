"""Draw docs/img/hierarchical_phases.png: the two phases of the hierarchical engine on SMOP1.

    python docs/make_hierarchical_figure.py [--n-var 1000] [--evals 100000] [--seed 1]

Left: reference front, Phase-1 front and final front. Middle: variables sorted by importance, the
corridor, and how often each variable is on in the final population. Right: IGD over evaluations,
coloured by phase.
"""
import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import lsmoo  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--problem", default="smop1")
    ap.add_argument("--n-var", type=int, default=1000)
    ap.add_argument("--evals", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=str(Path(__file__).parent / "img" / "hierarchical_phases.png"))
    a = ap.parse_args()
    p = lsmoo.get_problem(a.problem, n_var=a.n_var, n_obj=2)
    pf = p.pareto_front()
    algo = lsmoo.get_algorithm("hierarchical")
    res = lsmoo.minimize(p, algo, max_evals=a.evals, seed=a.seed, indicators_every=1)
    ex = res.extra
    P1 = np.asarray(ex["phase1_front"])

    fig, axes = plt.subplots(1, 3, figsize=(13, 3.9), dpi=90)
    ax = axes[0]
    ax.plot(pf[:, 0], pf[:, 1], ".", ms=1, color="0.75", label="reference front")
    ax.plot(P1[:, 0], P1[:, 1], "s", ms=4, mfc="none", color="C1", label=f"Phase-1 front ({len(P1)})")
    ax.plot(res.F[:, 0], res.F[:, 1], "o", ms=3, color="C0", label=f"final front ({len(res.F)})")
    ax.set_xlabel("f1")
    ax.set_ylabel("f2")
    ax.set_title(f"{a.problem.upper()}, D = {a.n_var}: fronts", fontsize=10)
    ax.legend(fontsize=8)

    ax = axes[1]
    order = np.argsort(-algo.importance_, kind="stable")
    in_corr = np.zeros(p.n_var, dtype=bool)
    in_corr[algo.cols] = True
    nz = (res.pop_X != 0).mean(0)
    x = np.arange(p.n_var)
    ax.fill_between(x, 0, in_corr[order].astype(float), step="mid", color="C2", alpha=0.25,
                    label=f"corridor ({ex['corridor']} of {p.n_var})")
    ax.plot(x, nz[order], ".", ms=2, color="C0", label="on in final population (share)")
    ax.set_xlabel("variables, most important first")
    ax.set_ylim(-0.02, 1.05)
    ax.set_title(f"space reduction: heavy {ex['heavy_anchor']}, light {ex['light_anchor']}", fontsize=10)
    ax.legend(fontsize=8, loc="upper right")

    ax = axes[2]
    colors = {"importance": "C7", "phase1": "C1", "phase2": "C0"}
    for ph, c in colors.items():
        pts = [(h["evaluations"], h["igd"]) for h in res.history if h["phase"] == ph and h["igd"] is not None]
        if pts:
            e, v = zip(*pts)
            ax.plot(e, v, color=c, label=ph)
    ax.set_yscale("log")
    ax.set_xlabel("evaluations")
    ax.set_ylabel("IGD")
    ax.set_title("convergence by phase", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(a.out)
    print(f"wrote {a.out}; final IGD {lsmoo.igd(res.F, pf):.4g}; corridor {ex['corridor']}")


if __name__ == "__main__":
    main()
