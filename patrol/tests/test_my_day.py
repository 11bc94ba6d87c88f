"""A supervisor's day in figures: kilometres and unit grids covered."""

from datetime import UTC, date, datetime, timedelta

import pytest

from patrol.day import patrol_day
from patrol.shifts import end_shift, start_shift
from patrol.tracks import ingest_batch

MORNING = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)  # 09:00 in Kunming


def ms(moment):
    return int(moment.timestamp() * 1000)


def test_alice_walks_across_two_of_her_grids_and_one_of_the_east(alice, town):
    town.rg_west.supervisors.add(alice)
    start_shift(alice, now=MORNING)
    # Along lat 24.8815 (the northern row) from lon 102.8505 to 102.8525: west 001, west 002, east 001.
    points = [
        {"t": ms(MORNING + timedelta(seconds=15 * i)), "lon": 102.8505 + 0.0001 * i, "lat": 24.8815}
        for i in range(21)
    ]
    points.append({"t": ms(MORNING + timedelta(seconds=15 * 21)), "lon": 103.5, "lat": 24.8815})  # a jump
    ingest_batch(alice, "b-1", points, now=MORNING + timedelta(hours=1))
    end_shift(alice, now=MORNING + timedelta(hours=2))

    day = patrol_day(alice, date(2026, 6, 1), now=MORNING + timedelta(hours=3))
    assert day.shifts == 1
    assert day.on_duty_minutes == 120
    assert day.points == 22
    assert day.speed_flagged == 1
    assert day.km == pytest.approx(0.20, abs=0.01)  # 0.002° of longitude at 24.88° N
    assert day.grids_covered == 3
    assert (day.own_grids_covered, day.own_grids_total) == (2, 4)
    assert day.own_coverage_percent == 50.0


def test_a_day_without_patrol_is_all_zero_and_counts_an_empty_shift(alice, town):
    town.rg_west.supervisors.add(alice)
    start_shift(alice, now=MORNING)
    end_shift(alice, now=MORNING + timedelta(minutes=30))
    day = patrol_day(alice, date(2026, 6, 1), now=MORNING + timedelta(hours=1))
    assert (day.points, day.km, day.grids_covered, day.shifts_without_positions) == (0, 0.0, 0, 1)
    assert day.own_grids_total == 4
