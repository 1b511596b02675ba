"""docs/benchmarks.md's result tables agree with the committed summaries they were copied from: every
median IGD (and the wall-time row) equals, to the digits shown, the value in the grid's summary.csv,
and the bold cell of each problem row is that row's lowest median."""
import csv
import re
import statistics
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
LABELS = {  # column label in the docs → the harness's algorithm name
    "hierarchical": "hierarchical", "SparseEA": "sparseea", "NSGA-II (lsmoo)": "nsga2",
    "pymoo NSGA-II": "pymoo.nsga2", "DEAP NSGA-II": "deap.nsga2", "MOEA/D (pymoo)": "pymoo.moead",
    "pymoo MOEA/D": "pymoo.moead", "SparseEA (evomo)": "evomo.sparseea", "LMOCSO": "evomo.lmocso",
    "LMOCSO (evomo)": "evomo.lmocso", "WOF": "evomo.wof", "WOF (evomo)": "evomo.wof",
    "LSMOF": "evomo.lsmof", "LSMOF (evomo)": "evomo.lsmof",
}


def _cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _tables():
    """(grid, header, rows) for each table that follows a `--out benchmarks/results/bench_*` command."""
    lines = DOC.read_text().splitlines()
    found = []
    for i, line in enumerate(lines):
        m = re.search(r"--out benchmarks/results/(bench_\w+)", line)
        if not m:
            continue
        j = next(k for k in range(i + 1, len(lines)) if lines[k].startswith("| problem |"))
        rows = []
        for k in range(j + 2, len(lines)):
            if not lines[k].startswith("|"):
                break
            rows.append(_cells(lines[k]))
        found.append((m.group(1), _cells(lines[j])[1:], rows))
    return found


TABLES = _tables()


def _half_ulp(text):
    """Half a unit in the last digit the text shows: 0.00382 → 5e-6, 1.40e5 → 500, 21 → 0.5."""
    return float(Decimal(1).scaleb(Decimal(text).as_tuple().exponent)) / 2


def test_every_grid_table_is_found():
    assert {g for g, _, _ in TABLES} >= {"bench_lsmop_d1000_m2", "bench_lsmop_d1000_m3",
                                         "bench_lsmop_d10000_m2", "bench_smop_d1000",
                                         "bench_smop_d10000", "bench_zdt_d1000", "bench_zdt_d10000"}


@pytest.mark.parametrize("grid, header, rows", TABLES, ids=[t[0] for t in TABLES])
def test_docs_table_matches_summary(grid, header, rows):
    summary = list(csv.DictReader(open(ROOT / "benchmarks" / "results" / grid / "summary.csv")))
    igd = {(r["problem"], r["algo"]): float(r["igd_median"]) for r in summary}
    wall = {(r["problem"], r["algo"]): float(r["wall_median_s"]) for r in summary}
    algos = [LABELS[h] for h in header]
    for row in rows:
        name, values = row[0], [v.strip("*") for v in row[1:]]
        assert len(values) == len(algos), row
        if name.startswith("median wall"):
            for algo, text in zip(algos, values):
                expect = statistics.median(w for (p, a), w in wall.items() if a == algo)
                assert abs(float(text) - expect) <= _half_ulp(text) + 1e-9, (grid, algo, text, expect)
            continue
        problem = name.lower()
        for algo, text in zip(algos, values):
            expect = igd[(problem, algo)]
            assert abs(float(text) - expect) <= _half_ulp(text) * 1.001, (grid, problem, algo, text, expect)
        best = min(igd[(problem, a)] for a in algos)
        bold = [a for a, v in zip(algos, row[1:]) if v.startswith("**")]
        assert bold and all(igd[(problem, a)] == best for a in bold), (grid, problem, bold)
