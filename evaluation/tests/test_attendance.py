"""Attendance from the patrol tracks: time on duty, grids covered, time outside, empty shifts."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role, User
from evaluation import attendance, measures
from evaluation.models import AttendanceDay
from patrol.models import Shift, TrackPoint

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 3, 5)
WEST_001 = (102.8505, 24.8815)  # RG01
WEST_003 = (102.8505, 24.8805)  # RG01
EAST_001 = (102.8525, 24.8815)  # RG02
EAST_004 = (102.8535, 24.8805)  # RG02


def at(hour, minute, second=0, day=DAY):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute, second)))


@pytest.fixture
def people(town):
    alice = User.objects.create_user("alice", role=Role.SUPERVISOR, full_name="Alice")
    bob = User.objects.create_user("bob", role=Role.SUPERVISOR, full_name="Bob")
    carol = User.objects.create_user("carol", role=Role.SUPERVISOR, full_name="Carol")
    town.rg_west.supervisors.add(alice)
    town.rg_east.supervisors.add(bob, carol)
    return alice, bob, carol


def points(supervisor, rows):
    TrackPoint.objects.bulk_create(
        TrackPoint(supervisor=supervisor, recorded_at=t, lon=lon, lat=lat, flags=flags)
        for t, (lon, lat), flags in rows
    )


@pytest.fixture
def march_5th(people):
    alice, bob, carol = people
    # Alice: 08:00–12:00 on duty (240 min, present); a point a minute 08:00–08:09 in her own grid,
    # 08:10–08:12 across the street in RG02, 08:13 back home, then nothing until 08:30 (in RG02).
    Shift.objects.create(supervisor=alice, started_at=at(8, 0), ended_at=at(12, 0), point_count=15)
    rows = [(at(8, m), WEST_001, 0) for m in range(10)]
    rows += [(at(8, m), EAST_001, 0) for m in (10, 11, 12)]
    rows += [(at(8, 13), WEST_003, 0), (at(8, 30), EAST_001, 0)]
    rows += [(at(8, 5, 30), EAST_004, TrackPoint.IMPOSSIBLE_SPEED)]  # a jump: stored, not counted
    points(alice, rows)
    # Bob: one hour on duty and not a single position.
    Shift.objects.create(supervisor=bob, started_at=at(9, 0), ended_at=at(10, 0), no_positions=True)
    # Carol: a night shift 22:00 → 02:00 the next day.
    Shift.objects.create(
        supervisor=carol, started_at=at(22, 0), ended_at=at(2, 0, day=DAY + datetime.timedelta(days=1))
    )
    return alice, bob, carol


def test_a_day_of_patrol_is_rolled_up_per_supervisor(march_5th):
    alice, bob, carol = march_5th
    assert attendance.rollup_day(DAY) == 3
    a = AttendanceDay.objects.get(supervisor=alice, day=DAY)
    # 16 points stored, the jump left out of coverage; grids: W001, E001, W003 = 3, of them own 2 of 4.
    # Time outside: the three points 08:10, 08:11, 08:12 each stand for the minute to the next
    # point = 3 min; 08:13 → 08:30 is a 17-minute gap (> 120 s) and counts for nothing.
    assert (a.points, a.grids_covered, a.own_grids_covered, a.own_grids_total) == (16, 3, 2, 4)
    assert (a.on_duty_minutes, a.outside_minutes, a.present) == (240, 3, True)
    b = AttendanceDay.objects.get(supervisor=bob, day=DAY)
    assert (b.shifts, b.on_duty_minutes, b.shifts_without_positions, b.points, b.present) == (
        1,
        60,
        1,
        0,
        False,
    )
    c = AttendanceDay.objects.get(supervisor=carol, day=DAY)
    # 22:00 → midnight = 120 minutes on the 5th; the other 120 belong to the 6th
    assert (c.on_duty_minutes, c.present) == (120, False)


def test_a_night_shift_is_split_at_midnight(march_5th):
    alice, bob, carol = march_5th
    attendance.rollup_day(DAY + datetime.timedelta(days=1))
    c = AttendanceDay.objects.get(supervisor=carol, day=DAY + datetime.timedelta(days=1))
    assert c.on_duty_minutes == 120
    assert (
        AttendanceDay.objects.get(supervisor=alice, day=DAY + datetime.timedelta(days=1)).on_duty_minutes == 0
    )


def test_collectors_on_duty_is_the_average_of_present_supervisors_per_day(march_5th):
    # the 5th: Alice present (240 ≥ 240); the 6th: nobody → (1 + 0) / 2 days = 0.5
    assert measures.collectors_on_duty(DAY, DAY + datetime.timedelta(days=2)) == Decimal("0.5")


def test_absence_evidence_lists_each_absent_supervisor_day(march_5th):
    alice, bob, carol = march_5th
    quantity, evidence = measures.contract_evidence(
        "absence", [alice.pk, bob.pk, carol.pk], DAY, DAY + datetime.timedelta(days=1)
    )
    # Bob (60 min) and Carol (120 min) are below the 240 minutes of the rules in force
    assert quantity == 2
    assert [row["supervisor"] for row in evidence["attendance"]] == ["Bob", "Carol"]


def test_rolling_up_again_replaces_the_rows_of_the_day(march_5th):
    attendance.rollup_day(DAY)
    attendance.rollup_day(DAY)
    assert AttendanceDay.objects.filter(day=DAY).count() == 3


def test_the_nightly_command_rolls_up_the_days_asked_for(march_5th):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("rollup_attendance", day="2024-03-06", days=2, stdout=out)
    # the 6th: Carol's night shift (and the others with no shift); the 5th: all three
    assert out.getvalue().splitlines() == ["2024-03-06: 3 supervisor-days", "2024-03-05: 3 supervisor-days"]
