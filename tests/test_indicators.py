import numpy as np
import pytest

import lsmoo
from lsmoo.errors import LsmooError
from lsmoo.indicators import hv_normalized


def test_hv_staircase_2d():
    # three points under ref (4, 4): strips of area 1, 2, 3
    F = np.array([[1.0, 3.0], [2.0, 2.0], [3.0, 1.0]])
    assert lsmoo.hv(F, [4, 4]) == pytest.approx(6.0, abs=1e-12)


def test_hv_ignores_dominated_and_outside_points():
    F = np.array([[1.0, 3.0], [2.0, 2.0], [3.0, 1.0], [3.0, 3.0], [5.0, 0.0]])
    assert lsmoo.hv(F, [4, 4]) == pytest.approx(6.0, abs=1e-12)
    assert lsmoo.hv(np.array([[5.0, 5.0]]), [4, 4]) == 0.0


def test_hv_3d_boxes():
    # two boxes under ref (2,2,2): volumes 2 and 2, overlapping in a unit cube
    F = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 1.0]])
    ref = np.array([2.0, 2.0, 2.0])
    a = 2 * 1 * 1  # box of the first point
    b = 1 * 2 * 1
    inter = 1 * 1 * 1
    assert lsmoo.hv(F, ref) == pytest.approx(a + b - inter, abs=1e-12)


def test_igd_is_mean_distance_from_reference():
    pf = np.array([[0.0, 1.0], [1.0, 0.0]])
    F = np.array([[0.0, 0.0]])
    assert lsmoo.igd(F, pf) == pytest.approx(1.0)
    F = np.array([[0.0, 1.0], [2.0, 0.0]])
    assert lsmoo.igd(F, pf) == pytest.approx(0.5)


def test_igd_plus_counts_only_worse_components():
    pf = np.array([[0.0, 1.0], [1.0, 0.0]])
    F = np.array([[0.5, 0.5]])
    # d+ to (0,1) = (0.5, 0) → 0.5; to (1,0) = (0, 0.5) → 0.5
    assert lsmoo.igd_plus(F, pf) == pytest.approx(0.5)
    # a point dominating the whole reference has IGD+ 0 but IGD > 0
    F = np.array([[-1.0, -1.0]])
    assert lsmoo.igd_plus(F, pf) == 0.0
    assert lsmoo.igd(F, pf) > 0


def test_hv_normalized_platemo_convention():
    pf = np.array([[0.0, 1.0], [1.0, 0.0]])
    # the ideal point (0,0) dominates the whole box [0,1.1]^2 scaled to [0,1]^2
    assert hv_normalized(np.array([[0.0, 0.0]]), pf) == pytest.approx(1.0)
    # the front's corner points: 1 - (1/1.1)^2 of the unit box stays undominated
    assert hv_normalized(pf, pf) == pytest.approx(1 - (1 / 1.1) ** 2, rel=1e-12)


@pytest.mark.parametrize("F", [np.array([[np.nan, 1.0]]), np.array([[1.0, 2.0, 3.0]]), "x"])
def test_bad_input(F):
    with pytest.raises(LsmooError):
        lsmoo.igd(F, np.array([[0.0, 1.0]]))
