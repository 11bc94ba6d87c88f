"""Track uploads: stored once, in order, impossible speeds flagged, nothing dropped silently."""

from datetime import UTC, datetime, timedelta

import pytest

from patrol.models import TrackBatch, TrackPoint
from patrol.tracks import ingest_batch, track_between
from urbangrid.errors import DomainError

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)  # 10:00 in Kunming
T0 = NOW - timedelta(hours=1)


def ms(moment):
    return int(moment.timestamp() * 1000)


def walk(start, count, *, every_s=15, step_deg=0.0001, lon=102.85, lat=24.88):
    """A walk east at about 10 m per step (0.0001° of longitude at 24.9° N)."""
    return [
        {"t": ms(start + timedelta(seconds=every_s * i)), "lon": lon + step_deg * i, "lat": lat, "acc": 8}
        for i in range(count)
    ]


def test_a_batch_is_stored_in_time_order_even_when_sent_out_of_order(alice):
    points = walk(T0, 5)
    result = ingest_batch(alice, "b-1", [points[3], points[0], points[4], points[1], points[2]], now=NOW)
    assert (result.received, result.stored, result.duplicates, result.speed_flagged) == (5, 5, 0, 0)
    stored = track_between(alice, T0, NOW)
    assert [p.recorded_at for p in stored] == [T0 + timedelta(seconds=15 * i) for i in range(5)]
    assert stored[0].lon == pytest.approx(102.85)
    assert stored[0].accuracy_m == 8


def test_the_same_batch_sent_twice_is_stored_once_and_answered_with_the_first_result(alice):
    first = ingest_batch(alice, "b-1", walk(T0, 4), now=NOW)
    again = ingest_batch(alice, "b-1", walk(T0, 4), now=NOW)
    assert again.replayed is True
    assert (again.received, again.stored) == (first.received, first.stored) == (4, 4)
    assert TrackPoint.objects.filter(supervisor=alice).count() == 4
    assert TrackBatch.objects.filter(supervisor=alice).count() == 1


def test_points_already_stored_from_another_batch_are_counted_as_duplicates(alice):
    ingest_batch(alice, "b-1", walk(T0, 4), now=NOW)
    result = ingest_batch(alice, "b-2", walk(T0, 6), now=NOW)
    assert (result.stored, result.duplicates) == (2, 4)
    assert TrackPoint.objects.filter(supervisor=alice).count() == 6


def test_two_points_with_the_same_time_in_one_batch_keep_the_first(alice):
    points = walk(T0, 2)
    twin = dict(points[1], lon=102.86)
    result = ingest_batch(alice, "b-1", [*points, twin], now=NOW)
    assert (result.stored, result.duplicates) == (2, 1)


def test_an_impossible_jump_is_stored_flagged_and_the_walk_goes_on_from_the_last_good_point(alice):
    points = walk(T0, 4)
    points[2] = dict(points[2], lon=102.95)  # 10 km in 15 s
    result = ingest_batch(alice, "b-1", points, now=NOW)
    assert (result.stored, result.speed_flagged) == (4, 1)
    flags = [p.flags for p in track_between(alice, T0, NOW)]
    assert flags == [0, 0, TrackPoint.IMPOSSIBLE_SPEED, 0]


def test_the_speed_check_continues_from_the_previous_batch(alice):
    ingest_batch(alice, "b-1", walk(T0, 2), now=NOW)
    jump = [{"t": ms(T0 + timedelta(seconds=30)), "lon": 103.0, "lat": 24.88}]
    result = ingest_batch(alice, "b-2", jump, now=NOW)
    assert result.speed_flagged == 1


def test_gps_jitter_on_a_short_interval_is_not_an_impossible_speed(alice):
    points = [
        {"t": ms(T0), "lon": 102.85, "lat": 24.88},
        {"t": ms(T0 + timedelta(seconds=1)), "lon": 102.8505, "lat": 24.88},  # 50 m in 1 s
    ]
    assert ingest_batch(alice, "b-1", points, now=NOW).speed_flagged == 0


def test_points_in_the_future_are_refused_with_their_reason_and_the_rest_stored(alice):
    points = walk(T0, 2) + [{"t": ms(NOW + timedelta(hours=2)), "lon": 102.85, "lat": 24.88}]
    result = ingest_batch(alice, "b-1", points, now=NOW)
    assert result.stored == 2
    assert result.rejected == [{"index": 2, "reason": "时间晚于服务器当前时间（手机时钟不准？）"}]


def test_a_point_with_coordinates_out_of_range_refuses_the_whole_batch(alice):
    points = walk(T0, 2) + [{"t": ms(T0 + timedelta(minutes=5)), "lon": 200, "lat": 24.88}]
    with pytest.raises(DomainError, match="第 3 个轨迹点坐标超出范围"):
        ingest_batch(alice, "b-1", points, now=NOW)
    assert TrackPoint.objects.count() == 0
    assert TrackBatch.objects.count() == 0


def test_a_point_without_time_refuses_the_whole_batch(alice):
    with pytest.raises(DomainError, match="第 1 个轨迹点格式不正确"):
        ingest_batch(alice, "b-1", [{"lon": 102.85, "lat": 24.88}], now=NOW)


def test_iso_times_with_an_offset_are_accepted(alice):
    result = ingest_batch(
        alice, "b-1", [{"t": "2026-06-01T09:30:00+08:00", "lon": 102.85, "lat": 24.88}], now=NOW
    )
    assert result.stored == 1
    assert TrackPoint.objects.get().recorded_at == datetime(2026, 6, 1, 1, 30, tzinfo=UTC)


def test_two_supervisors_may_have_points_at_the_same_time(alice, bob):
    ingest_batch(alice, "b-1", walk(T0, 3), now=NOW)
    ingest_batch(bob, "b-1", walk(T0, 3), now=NOW)
    assert TrackPoint.objects.count() == 6
