"""lsmoo — large-scale and sparse multi-objective optimization.

The public API is re-exported here lazily, so ``import lsmoo`` stays cheap (no Numba compilation, no
matplotlib, never torch, ray or pymoo).
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "Problem": "lsmoo.problem",
    "LsmooError": "lsmoo.errors",
    "ProblemError": "lsmoo.errors",
    "ConfigError": "lsmoo.errors",
    "RegistryError": "lsmoo.errors",
    "CheckpointError": "lsmoo.errors",
    "get_problem": "lsmoo.registry",
    "list_problems": "lsmoo.registry",
    "get_algorithm": "lsmoo.registry",
    "list_algorithms": "lsmoo.registry",
    "register_problem": "lsmoo.registry",
    "register_algorithm": "lsmoo.registry",
    "minimize": "lsmoo.engine",
    "Termination": "lsmoo.engine",
    "Result": "lsmoo.result",
    "Algorithm": "lsmoo.algorithms.base",
    "NSGA2": "lsmoo.algorithms.nsga2",
    "hv": "lsmoo.indicators",
    "igd": "lsmoo.indicators",
    "igd_plus": "lsmoo.indicators",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name):
    mod = _EXPORTS.get(name)
    if mod is None:
        raise AttributeError(f"module 'lsmoo' has no attribute {name!r}")
    value = getattr(importlib.import_module(mod), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__
