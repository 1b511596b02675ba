"""Numba kernels of lsmoo: non-dominated sorting, crowding distance, nearest-neighbour truncation, variation and selection operators.

Every kernel is ``@numba.njit(cache=True)`` behind a thin numpy wrapper that validates its inputs;
kernels are stateless and receive pre-drawn random numbers (see :mod:`lsmoo.kernels.sampling`).
Importing this package compiles nothing: Numba compiles each kernel lazily on its first call (and
caches the machine code on disk).  Plain-numpy twins for testing are in :mod:`lsmoo.kernels.reference`.
"""
from .sampling import bernoulli_sites, bernoulli_sites_mu
from .sorting import RANK_UNRANKED, crowding_distance, mnn_truncate, nd_sort
from .variation import (
    binary_tournament,
    bitflip,
    polynomial_mutation,
    sbx,
    two_point_crossover,
    uniform_crossover,
)

__all__ = [
    "RANK_UNRANKED",
    "nd_sort",
    "crowding_distance",
    "mnn_truncate",
    "sbx",
    "polynomial_mutation",
    "bitflip",
    "uniform_crossover",
    "two_point_crossover",
    "binary_tournament",
    "bernoulli_sites",
    "bernoulli_sites_mu",
]
