"""Peer algorithms from other libraries, run by ``lsmoo bench`` on lsmoo's own problems.

A peer is named ``LIBRARY.ALGORITHM``::

    pymoo.nsga2  pymoo.moead                                   (extra: lsmoo[peers])
    deap.nsga2                                                 (extra: lsmoo[peers])
    evomo.sparseea  evomo.lmocso  evomo.wof  evomo.lsmof       (extra: lsmoo[peers-evomo])

:func:`run_peer` drives the peer on an lsmoo :class:`~lsmoo.problem.Problem` for an evaluation budget
and returns ``(F, evaluations, curve)``: the non-dominated, de-duplicated objective rows of the final
population (feasible rows first, as :meth:`lsmoo.Algorithm.result`), the number of rows evaluated, and
``[[evaluations, igd], ...]`` recorded about 100 times per run (empty when the problem has no reference
front). Every peer evaluates through ``problem.evaluate_checked`` with whole batches (pymoo and evomo
as their libraries batch them; DEAP one call per generation), so the comparison is about the
algorithms, not about how fast each library calls a Python function.

Budget: pymoo and DEAP stop exactly at ``max_evals`` (the last generation is cut to the rows left, as
lsmoo does). evomo algorithms evaluate whole generations inside ``step()``; the run stops after the
first step that reaches the budget, so ``evaluations`` may exceed ``max_evals`` by less than one step's
batch (it is exact when the budget fits the generation sizes, e.g. 10,000 with N = 100).

Settings follow PlatEMO's defaults: N = 100, SBX η = 20 with crossover probability 1, polynomial
mutation η = 20 with probability 1/D per variable; binary problems get uniform crossover and bit-flip
mutation (1/D). A peer that cannot handle a problem (encoding, constraints, budget) raises
:class:`PeerUnsupported`, which ``lsmoo bench`` records as a skipped cell. All imports of pymoo, DEAP,
evomo and torch happen inside the adapters: ``import lsmoo`` never needs them.
"""
from __future__ import annotations

import importlib.util
import math
import random
from importlib import metadata

import numpy as np

from .errors import ConfigError

#: name → (module that must be importable, distribution(s) for the version, pip extra)
PEERS = {
    "pymoo.nsga2": ("pymoo", ("pymoo",), "peers"),
    "pymoo.moead": ("pymoo", ("pymoo",), "peers"),
    "deap.nsga2": ("deap", ("deap",), "peers"),
    "evomo.sparseea": ("evomo", ("evomo", "evox", "torch"), "peers-evomo"),
    "evomo.lmocso": ("evomo", ("evomo", "evox", "torch"), "peers-evomo"),
    "evomo.wof": ("evomo", ("evomo", "evox", "torch"), "peers-evomo"),
    "evomo.lsmof": ("evomo", ("evomo", "evox", "torch"), "peers-evomo"),
}

DEFAULT_POP = 100
CURVE_POINTS = 100


class PeerUnsupported(ConfigError):
    """The peer cannot run this problem (encoding, constraints, budget); bench records a skipped cell."""


def is_peer(name) -> bool:
    return isinstance(name, str) and "." in name


def check_peer(name: str) -> None:
    """Raise ConfigError for an unknown peer name or when the peer's package is not installed."""
    if name not in PEERS:
        raise ConfigError(f"unknown peer algorithm {name!r}; known peers: {', '.join(PEERS)}")
    module, _, extra = PEERS[name]
    if importlib.util.find_spec(module) is None:
        raise ConfigError(f"peer {name!r} needs the package {module!r}: pip install 'lsmoo[{extra}]'")


def peer_version(name: str) -> str:
    """The versions the peer runs on, e.g. ``"pymoo 0.6.2"`` or ``"evomo 0.3.1, evox 1.4.0, torch 2.14.1"``."""
    check_peer(name)
    out = []
    for dist in PEERS[name][1]:
        try:
            out.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            out.append(f"{dist} ?")
    return ", ".join(out)


#: modules each library's adapter imports (loaded by :func:`load_peer`, outside any timed region)
_MODULES = {
    "pymoo": ("pymoo.algorithms.moo.nsga2", "pymoo.algorithms.moo.moead", "pymoo.operators.crossover.sbx",
              "pymoo.operators.mutation.pm"),
    "deap": ("deap.base", "deap.creator", "deap.tools"),
    "evomo": ("torch", "evox.core", "evox.workflows", "evomo.algorithms"),
}


def load_peer(name: str) -> None:
    """Import the peer's library now, so that its import time is not counted in a run's wall time."""
    import importlib

    check_peer(name)
    for mod in _MODULES[PEERS[name][0]]:
        importlib.import_module(mod)


def run_peer(name: str, problem, max_evals: int, seed: int, pop_size: int | None = None):
    """Run peer ``name`` on ``problem`` for ``max_evals`` evaluations; returns ``(F, evaluations, curve)``."""
    check_peer(name)
    if isinstance(max_evals, bool) or not isinstance(max_evals, (int, np.integer)) or max_evals <= 0:
        raise ConfigError(f"max_evals must be a positive integer, got {max_evals!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ConfigError(f"seed must be an integer, got {seed!r}")
    pop_size = DEFAULT_POP if pop_size is None else int(pop_size)
    if pop_size < 4:
        raise ConfigError(f"pop_size must be >= 4, got {pop_size}")
    return _ADAPTERS[name](problem, int(max_evals), int(seed), pop_size)


# ---------------------------------------------------------------------------------------------- helpers
def _best(F, G=None) -> np.ndarray:
    """Feasible (else least violating), non-dominated rows of F with duplicates removed (lsmoo's rule)."""
    from .kernels import nd_sort

    F = np.asarray(F, dtype=float)
    keep = ~np.isnan(F).any(axis=1)
    if G is not None:
        cv = np.maximum(np.asarray(G, dtype=float), 0.0).sum(axis=1)
        cv = np.where(keep, cv, np.inf)
        keep &= (cv <= 0) if (cv <= 0).any() else (cv == cv.min())
    idx = np.flatnonzero(keep)
    if idx.size == 0:
        return np.empty((0, F.shape[1]))
    rank = nd_sort(np.ascontiguousarray(F[idx]))
    idx = idx[rank == 0]
    _, first = np.unique(F[idx], axis=0, return_index=True)
    return F[idx[np.sort(first)]]


class _Curve:
    """IGD over evaluations, recorded when the count passes each of ~100 marks, and at the end."""

    def __init__(self, problem, max_evals):
        self.pf = problem.pareto_front()
        self.step = max(1, max_evals // CURVE_POINTS)
        self.next = 0
        self.points = []

    def due(self, evals) -> bool:
        return self.pf is not None and evals >= self.next

    def record(self, evals, F, G=None):
        from .indicators import igd

        if self.pf is None or (self.points and self.points[-1][0] == evals):
            return
        B = _best(F, G)
        if len(B):
            self.points.append([int(evals), float(igd(B, self.pf))])
        self.next = (evals // self.step + 1) * self.step


def _need_budget(name, max_evals, first):
    if max_evals < first:
        raise PeerUnsupported(f"{name} evaluates {first} solutions before its first generation; "
                              f"the budget {max_evals} is smaller")


def _no_constraints(name, problem):
    if problem.n_constr:
        raise PeerUnsupported(f"{name} does not handle constraints ({problem.name} has {problem.n_constr})")


def _n_ref(n, m) -> int:
    """PlatEMO's UniformPoint size: the largest Das–Dennis set (H partitions) with at most n points."""
    h = 1
    while math.comb(h + 1 + m - 1, m - 1) <= n:
        h += 1
    return h


# ---------------------------------------------------------------------------------------------- pymoo
def _pymoo_problem(problem):
    from pymoo.core.problem import Problem as PymooProblem

    binary = problem.encoding == "binary"

    class Wrapped(PymooProblem):
        def __init__(self):
            super().__init__(n_var=problem.n_var, n_obj=problem.n_obj, n_ieq_constr=problem.n_constr,
                             xl=np.asarray(problem.xl, dtype=float), xu=np.asarray(problem.xu, dtype=float),
                             vtype=bool if binary else float)

        def _evaluate(self, X, out, *args, **kwargs):
            F, G = problem.evaluate_checked(X.astype(bool) if binary else np.asarray(X, dtype=float))
            out["F"] = F
            if G is not None:
                out["G"] = G

    return Wrapped()


def _pymoo_operators(problem):
    from pymoo.operators.crossover.sbx import SBX
    from pymoo.operators.crossover.ux import UX
    from pymoo.operators.mutation.bitflip import BitflipMutation
    from pymoo.operators.mutation.pm import PM
    from pymoo.operators.sampling.rnd import BinaryRandomSampling, FloatRandomSampling

    pm = 1.0 / problem.n_var
    if problem.encoding == "binary":
        return dict(sampling=BinaryRandomSampling(), crossover=UX(prob=1.0),
                    mutation=BitflipMutation(prob=1.0, prob_var=pm))
    return dict(sampling=FloatRandomSampling(), crossover=SBX(prob=1.0, eta=20),
                mutation=PM(prob=1.0, prob_var=pm, eta=20))


def _pymoo_drive(algo, problem, max_evals, seed, truncate):
    """Step the pymoo algorithm ourselves: exact budget, curve from the population in between."""
    algo.setup(_pymoo_problem(problem), termination=("n_eval", max_evals), seed=seed, verbose=False)
    curve = _Curve(problem, max_evals)
    G_of = (lambda pop: pop.get("G")) if problem.n_constr else (lambda pop: None)
    while algo.evaluator.n_eval < max_evals:
        if truncate and algo.is_initialized:
            algo.n_offsprings = min(algo.pop_size, max_evals - algo.evaluator.n_eval)
        algo.next()
        if curve.due(algo.evaluator.n_eval):
            curve.record(algo.evaluator.n_eval, algo.pop.get("F"), G_of(algo.pop))
    F = algo.pop.get("F")
    G = G_of(algo.pop)
    curve.record(algo.evaluator.n_eval, F, G)
    return _best(F, G), int(algo.evaluator.n_eval), curve.points


def _run_pymoo_nsga2(problem, max_evals, seed, pop_size):
    from pymoo.algorithms.moo.nsga2 import NSGA2

    _need_budget("pymoo.nsga2", max_evals, pop_size)
    algo = NSGA2(pop_size=pop_size, eliminate_duplicates=False, **_pymoo_operators(problem))
    return _pymoo_drive(algo, problem, max_evals, seed, truncate=True)


def _run_pymoo_moead(problem, max_evals, seed, pop_size):
    from pymoo.algorithms.moo.moead import MOEAD
    from pymoo.decomposition.pbi import PBI
    from pymoo.util.ref_dirs import get_reference_directions

    _no_constraints("pymoo.moead", problem)
    ref_dirs = get_reference_directions("das-dennis", problem.n_obj,
                                        n_partitions=_n_ref(pop_size, problem.n_obj))
    n = len(ref_dirs)
    _need_budget("pymoo.moead", max_evals, n)
    algo = MOEAD(ref_dirs, n_neighbors=max(2, math.ceil(n / 10)), prob_neighbor_mating=1.0,
                 decomposition=PBI(theta=5.0), **_pymoo_operators(problem))
    return _pymoo_drive(algo, problem, max_evals, seed, truncate=False)


# ---------------------------------------------------------------------------------------------- DEAP
def _run_deap_nsga2(problem, max_evals, seed, pop_size):
    import array

    from deap import base, creator, tools

    _no_constraints("deap.nsga2", problem)
    if pop_size % 4:
        raise ConfigError(f"deap.nsga2 needs a population size divisible by 4 (selTournamentDCD), got {pop_size}")
    _need_budget("deap.nsga2", max_evals, pop_size)
    D, M = problem.n_var, problem.n_obj
    binary = problem.encoding == "binary"
    fit_name, ind_name = f"LsmooFitnessMin{M}", f"LsmooIndividual{M}{'b' if binary else 'd'}"
    if not hasattr(creator, fit_name):
        creator.create(fit_name, base.Fitness, weights=(-1.0,) * M)
    if not hasattr(creator, ind_name):
        creator.create(ind_name, array.array, typecode="b" if binary else "d", fitness=getattr(creator, fit_name))
    Ind = getattr(creator, ind_name)
    low, up = [float(v) for v in problem.xl], [float(v) for v in problem.xu]

    tb = base.Toolbox()
    if binary:
        tb.register("mate", tools.cxUniform, indpb=0.5)
        tb.register("mutate", tools.mutFlipBit, indpb=1.0 / D)
    else:
        tb.register("mate", tools.cxSimulatedBinaryBounded, eta=20.0, low=low, up=up)
        tb.register("mutate", tools.mutPolynomialBounded, eta=20.0, low=low, up=up, indpb=1.0 / D)
    tb.register("select", tools.selNSGA2)

    state = random.getstate()
    random.seed(seed)
    np_rng = np.random.default_rng(seed)
    n_evals = 0
    curve = _Curve(problem, max_evals)

    def evaluate(inds):
        nonlocal n_evals
        if not inds:
            return
        X = np.asarray(inds, dtype=bool if binary else float)
        F, _ = problem.evaluate_checked(X)
        for ind, f in zip(inds, F):
            ind.fitness.values = tuple(f)
        n_evals += len(inds)

    def front(pop):
        return np.array([ind.fitness.values for ind in pop])

    try:
        if binary:
            X0 = np_rng.random((pop_size, D)) < 0.5
            pop = [Ind(row.astype(np.int8).tolist()) for row in X0]
        else:
            X0 = problem.xl + np_rng.random((pop_size, D)) * (problem.xu - problem.xl)
            pop = [Ind(row.tolist()) for row in X0]
        evaluate(pop)
        pop = tb.select(pop, len(pop))  # assigns the crowding distances selTournamentDCD reads
        curve.record(n_evals, front(pop))
        while n_evals < max_evals:
            offspring = [tb.clone(ind) for ind in tools.selTournamentDCD(pop, len(pop))]
            for a, b in zip(offspring[::2], offspring[1::2]):
                tb.mate(a, b)  # cxpb = 1
                tb.mutate(a)
                tb.mutate(b)
                del a.fitness.values, b.fitness.values
            offspring = offspring[:max_evals - n_evals]  # the last generation: only the rows left
            evaluate(offspring)
            pop = tb.select(pop + offspring, pop_size)
            if curve.due(n_evals):
                curve.record(n_evals, front(pop))
    finally:
        random.setstate(state)
    F = front(pop)
    curve.record(n_evals, F)
    return _best(F), n_evals, curve.points


# ---------------------------------------------------------------------------------------------- evomo
def _run_evomo(which, problem, max_evals, seed, pop_size):
    import torch
    from evomo.algorithms import LMOCSO, LSMOF, WOF, SparseEA
    from evox.core import Problem as EvoxProblem
    from evox.workflows import StdWorkflow

    name = f"evomo.{which}"
    _no_constraints(name, problem)
    if problem.encoding != "real":
        raise PeerUnsupported(f"{name} (evomo 0.3.1) is real-coded only; {problem.name} is {problem.encoding}")
    D, M = problem.n_var, problem.n_obj
    # evomo 0.3.1's SparseEA adds a float32 tensor into a default-dtype one (index_add_), so it only runs
    # with float32 as the default dtype; the others run in float64.
    dtype = torch.float32 if which == "sparseea" else torch.float64
    if which == "lmocso":
        from evox.operators.sampling import uniform_sampling

        first = int(uniform_sampling(pop_size, M)[0].shape[0])  # LMOCSO's N: one per reference vector
    elif which == "sparseea":
        first = 5 * D + pop_size  # 5 probes of every variable, then the population
    else:
        first = pop_size
    _need_budget(name, max_evals, first)
    count = [0]

    rows = max(1, (1 << 25) // D)  # evaluate in chunks of <= 2^25 values: SparseEA's probe batch is 5·D rows

    class Wrapped(EvoxProblem):
        def evaluate(self, pop):
            pop = pop.detach()
            F = np.concatenate([problem.evaluate_checked(pop[i:i + rows].to("cpu", torch.float64).numpy())[0]
                                for i in range(0, pop.shape[0], rows)]) if pop.shape[0] else np.empty((0, M))
            count[0] += pop.shape[0]
            return torch.as_tensor(F, dtype=pop.dtype, device=pop.device)

    cpu = torch.device("cpu")
    old_dtype = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        with torch.random.fork_rng(devices=[]), torch.no_grad():
            torch.manual_seed(seed)
            lb = torch.tensor(np.array(problem.xl), dtype=dtype, device=cpu)
            ub = torch.tensor(np.array(problem.xu), dtype=dtype, device=cpu)
            if which == "lmocso":
                algo = LMOCSO(n_objs=M, pop_size=pop_size, lb=lb, ub=ub, device=cpu,
                              max_gen=max(1, math.ceil((max_evals - first) / first)))
            elif which == "lsmof":
                algo = LSMOF(pop_size=pop_size, n_objs=M, lb=lb, ub=ub, max_fe=max_evals)
            elif which == "wof":
                algo = WOF(pop_size=pop_size, n_objs=M, lb=lb, ub=ub)
            else:
                algo = SparseEA(pop_size=pop_size, n_objs=M, lb=lb, ub=ub)
            wf = StdWorkflow(algo, Wrapped(), device=cpu)
            curve = _Curve(problem, max_evals)

            def fit():
                return wf.algorithm.fit.detach().to("cpu", torch.float64).numpy()

            wf.init_step()
            curve.record(count[0], fit())
            while count[0] < max_evals:
                wf.step()
                if curve.due(count[0]):
                    curve.record(count[0], fit())
            F = fit()
    finally:
        torch.set_default_dtype(old_dtype)
    curve.record(count[0], F)
    return _best(F), count[0], curve.points


def _evomo(which):
    return lambda problem, max_evals, seed, pop_size: _run_evomo(which, problem, max_evals, seed, pop_size)


_ADAPTERS = {
    "pymoo.nsga2": _run_pymoo_nsga2,
    "pymoo.moead": _run_pymoo_moead,
    "deap.nsga2": _run_deap_nsga2,
    "evomo.sparseea": _evomo("sparseea"),
    "evomo.lmocso": _evomo("lmocso"),
    "evomo.wof": _evomo("wof"),
    "evomo.lsmof": _evomo("lsmof"),
}
