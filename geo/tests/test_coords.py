import math

import pytest

from geo.coords import gcj02_to_wgs84, wgs84_to_gcj02


def metres(a, b):
    return math.hypot((a[0] - b[0]) * 101_000, (a[1] - b[1]) * 110_600)


def test_gcj02_in_chenggong_is_shifted_by_a_few_hundred_metres():
    wgs = (102.8505, 24.8815)
    gcj = wgs84_to_gcj02(*wgs)
    assert 200 < metres(wgs, gcj) < 700
    assert gcj[0] > wgs[0] and gcj[1] < wgs[1]  # in Kunming the shift is east and south


def test_gcj02_converts_back_to_wgs84_to_a_millimetre():
    for wgs in [(102.8505, 24.8815), (102.70, 24.70), (116.397, 39.908), (121.47, 31.23)]:
        back = gcj02_to_wgs84(*wgs84_to_gcj02(*wgs))
        assert back == pytest.approx(wgs, abs=1e-8)


def test_outside_china_nothing_changes():
    assert wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)
    assert gcj02_to_wgs84(2.35, 48.85) == (2.35, 48.85)
