"""Drawing sparse random sites (plain numpy; the draws feed the in-place kernels of ``variation``).

Mutation at rate p over a population of K x D genes touches about K*D*p of them; drawing a uniform
number per gene would cost O(K*D) even when p ~ 1/D.  These helpers draw the positions of the successes
directly, as geometric gaps, in O(K*D*p) time.
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ["bernoulli_sites", "bernoulli_sites_mu"]


def bernoulli_sites(rng, n_total, p):
    """Sorted flat indices in ``[0, n_total)`` at which independent Bernoulli(``p``) trials succeed.

    Every position is selected independently with probability ``p`` (exactly: the gaps between
    successive successes are drawn as Geometric(p) variables), in O(n_total * p) time and memory.
    ``p <= 0`` gives an empty array and ``p >= 1`` all positions, without drawing anything.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_total : int >= 0
    p : float (NaN rejected)

    Returns
    -------
    int64 array, strictly increasing.

    Determinism: the result is a function of the generator's state; the number of values drawn from
    ``rng`` depends on the draws (a few more than needed, in chunks), so the state afterwards is
    deterministic too.
    """
    n_total = int(n_total)
    p = float(p)
    if n_total < 0:
        raise ValueError(f"bernoulli_sites: n_total must be >= 0, got {n_total}")
    if math.isnan(p):
        raise ValueError("bernoulli_sites: p is NaN")
    if n_total == 0 or p <= 0.0:
        return np.zeros(0, dtype=np.int64)
    if p >= 1.0:
        return np.arange(n_total, dtype=np.int64)
    mean = n_total * p
    chunk = int(min(n_total + 1, mean + 4.0 * math.sqrt(mean) + 16.0))
    parts = []
    pos = -1  # last success so far
    while True:
        gaps = rng.geometric(p, size=chunk).astype(np.int64, copy=False)
        # a gap > n_total ends the sequence anyway; clipping keeps the cumulative sum from overflowing
        np.minimum(gaps, n_total + 1, out=gaps)
        s = np.cumsum(gaps)
        s += pos
        if s[-1] >= n_total:
            parts.append(s[: np.searchsorted(s, n_total)])
            break
        parts.append(s)
        pos = int(s[-1])
        chunk = int(min(n_total - pos, max(16.0, (n_total - pos) * p * 1.2 + 16.0)))
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def bernoulli_sites_mu(rng, n_total, p):
    """:func:`bernoulli_sites` plus one uniform [0, 1) draw per site: returns ``(sites, mu)``.

    ``sites`` is drawn first, then ``mu = rng.random(len(sites))`` (float64), e.g. for
    :func:`lsmoo.kernels.polynomial_mutation`.
    """
    sites = bernoulli_sites(rng, n_total, p)
    return sites, rng.random(sites.shape[0])
