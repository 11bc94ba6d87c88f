"""上岗 and 下岗."""

from datetime import UTC, datetime, timedelta

import pytest

from patrol.models import Shift
from patrol.shifts import current_shift, end_shift, start_shift
from patrol.tracks import ingest_batch
from urbangrid.errors import DomainError, NotAllowed

MORNING = datetime(2026, 6, 1, 0, 30, tzinfo=UTC)  # 08:30 in Kunming


def test_starting_twice_returns_the_same_open_shift(alice):
    first = start_shift(alice, now=MORNING)
    again = start_shift(alice, now=MORNING + timedelta(minutes=3))
    assert again.pk == first.pk
    assert Shift.objects.count() == 1


def test_ending_a_shift_counts_its_points_and_kilometres(alice):
    start_shift(alice, now=MORNING)
    points = [
        {
            "t": int((MORNING + timedelta(seconds=15 * i)).timestamp() * 1000),
            "lon": 102.85 + 0.001 * i,
            "lat": 24.88,
        }
        for i in range(11)
    ]
    ingest_batch(alice, "b-1", points, now=MORNING + timedelta(hours=1))
    shift = end_shift(alice, now=MORNING + timedelta(hours=1))
    assert shift.point_count == 11
    assert shift.distance_m == pytest.approx(1010, rel=0.01)  # 0.01° of longitude at 24.88° N
    assert shift.no_positions is False
    assert current_shift(alice) is None


def test_a_shift_without_positions_is_flagged(alice):
    start_shift(alice, now=MORNING)
    shift = end_shift(alice, now=MORNING + timedelta(hours=4))
    assert shift.no_positions is True
    assert shift.point_count == 0


def test_ending_without_an_open_shift_is_refused(alice):
    with pytest.raises(DomainError, match="当前不在岗"):
        end_shift(alice, now=MORNING)


def test_a_shift_left_open_yesterday_is_closed_at_its_last_position_when_a_new_one_starts(alice):
    start_shift(alice, now=MORNING - timedelta(days=1))
    last = MORNING - timedelta(days=1) + timedelta(hours=2)
    ingest_batch(alice, "b-1", [{"t": int(last.timestamp() * 1000), "lon": 102.85, "lat": 24.88}], now=last)
    today = start_shift(alice, now=MORNING)
    yesterday = Shift.objects.exclude(pk=today.pk).get()
    assert yesterday.ended_at == last
    assert yesterday.point_count == 1
    assert current_shift(alice).pk == today.pk


def test_only_supervisors_go_on_duty(carol):
    with pytest.raises(NotAllowed):
        start_shift(carol, now=MORNING)
