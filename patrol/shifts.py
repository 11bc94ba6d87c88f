"""Shifts: 上岗 (start) and 下岗 (end). The only code that writes `Shift` rows.

Starting is idempotent (a second 上岗 returns the open shift), because phones retry. A shift left
open from an earlier day (phone died, app killed) is closed at its last recorded position before a
new one starts. A shift that ends without any position is flagged `no_positions`.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from urbangrid.errors import DomainError, NotAllowed

from .models import Shift, TrackPoint
from .tracks import distance_m, track_between


def _require_supervisor(user) -> None:
    if getattr(user, "role", None) != Role.SUPERVISOR:
        raise NotAllowed(_("只有监督员可以上岗、下岗"))


def tapped_at(at):
    """The time the phone says 上岗/下岗 was tapped, within reason; the server's time otherwise.

    A phone offline when the supervisor tapped sends the tap later; its clock may be a little off.
    """
    now = timezone.now()
    if at is None or timezone.is_naive(at) or at > now + timedelta(minutes=5):
        return now
    if at < now - timedelta(days=settings.PATROL_MAX_UPLOAD_AGE_DAYS):
        raise DomainError(_("上岗/下岗时间太早，无法补传"))
    return min(at, now)


def current_shift(supervisor) -> Shift | None:
    return Shift.objects.filter(supervisor=supervisor, ended_at__isnull=True).first()


def start_shift(supervisor, *, now=None) -> Shift:
    """上岗. Returns the open shift if there is one from today."""
    _require_supervisor(supervisor)
    now = now or timezone.now()
    with transaction.atomic():
        open_shift = (
            Shift.objects.select_for_update().filter(supervisor=supervisor, ended_at__isnull=True).first()
        )
        if open_shift is not None:
            if timezone.localdate(open_shift.started_at) == timezone.localdate(now):
                return open_shift
            last = (
                TrackPoint.objects.filter(supervisor=supervisor, recorded_at__gte=open_shift.started_at)
                .order_by("-recorded_at")
                .values_list("recorded_at", flat=True)
                .first()
            )
            _close(open_shift, last or open_shift.started_at)
        try:
            with transaction.atomic():
                return Shift.objects.create(supervisor=supervisor, started_at=now)
        except IntegrityError:  # a concurrent 上岗 of the same supervisor won
            return Shift.objects.get(supervisor=supervisor, ended_at__isnull=True)


def end_shift(supervisor, *, now=None) -> Shift:
    """下岗. Counts the shift's positions and kilometres and flags a shift without positions."""
    _require_supervisor(supervisor)
    now = now or timezone.now()
    with transaction.atomic():
        shift = Shift.objects.select_for_update().filter(supervisor=supervisor, ended_at__isnull=True).first()
        if shift is None:
            raise DomainError(_("当前不在岗"))
        _close(shift, max(now, shift.started_at))
    return shift


def _close(shift: Shift, ended_at) -> None:
    points = track_between(shift.supervisor, shift.started_at, ended_at + timedelta(seconds=1))
    shift.ended_at = ended_at
    shift.point_count = len(points)
    shift.distance_m = round(distance_m(points), 1)
    shift.no_positions = not points
    shift.save(update_fields=["ended_at", "point_count", "distance_m", "no_positions"])
