import os

import numpy as np
import pytest
from hypothesis import settings

settings.register_profile("lsmoo", derandomize=True, deadline=None, max_examples=60)
settings.load_profile("lsmoo")
os.environ.setdefault("MPLBACKEND", "Agg")


class Sphere2(__import__("lsmoo").Problem):
    """Two shifted spheres: Pareto set is the segment between 0 and 1 in every variable."""

    def __init__(self, n_var=5):
        super().__init__(n_var=n_var, n_obj=2, xl=-1.0, xu=2.0, name="sphere2")

    def evaluate(self, X):
        return np.column_stack([(X ** 2).sum(1), ((X - 1) ** 2).sum(1)])


@pytest.fixture
def sphere2():
    return Sphere2()
