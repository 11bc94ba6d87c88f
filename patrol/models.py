"""Patrol: supervisors' shifts (上岗/下岗) and the GPS track they leave while on duty.

Track points are the largest table of the district (a point every 15 s from 48 supervisors is tens
of millions of rows a year), so `TrackPoint` is kept narrow: no surrogate id, the primary key is
(supervisor, recorded_at), which is also the index that replays one supervisor's day as one range
scan. Points are written only by `patrol.tracks.ingest_batch`, in bulk (COPY on PostgreSQL).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Shift(models.Model):  # 班次: from 上岗 to 下岗
    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="shifts")
    started_at = models.DateTimeField(_("上岗时间"))
    ended_at = models.DateTimeField(_("下岗时间"), null=True, blank=True)
    # Filled when the shift ends: points recorded between started_at and ended_at.
    point_count = models.PositiveIntegerField(_("轨迹点数"), default=0)
    distance_m = models.FloatField(_("巡查里程（米）"), default=0)
    # A shift that ended without a single position: the phone did not record, or nobody patrolled.
    no_positions = models.BooleanField(_("无轨迹"), default=False, db_index=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("班次")
        verbose_name_plural = _("班次")
        indexes = [models.Index(fields=["supervisor", "started_at"])]
        constraints = [
            # At most one open shift per supervisor.
            models.UniqueConstraint(
                fields=["supervisor"], condition=models.Q(ended_at__isnull=True), name="one_open_shift"
            )
        ]

    def __str__(self):
        return f"{self.supervisor} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class TrackBatch(models.Model):
    """One upload from a phone. Its client-generated id makes a retried upload count exactly once."""

    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    client_batch_id = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)
    received = models.PositiveIntegerField(default=0)  # points in the upload
    stored = models.PositiveIntegerField(default=0)  # points written
    duplicates = models.PositiveIntegerField(default=0)  # same supervisor and time already stored
    speed_flagged = models.PositiveIntegerField(default=0)  # stored, flagged as an impossible speed
    first_at = models.DateTimeField(null=True, blank=True)
    last_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["supervisor", "client_batch_id"], name="one_batch_per_client_id")
        ]

    def __str__(self):
        return f"{self.supervisor_id}/{self.client_batch_id}"


class TrackPoint(models.Model):  # 轨迹点
    # Bits of `flags`.
    IMPOSSIBLE_SPEED = 1  # faster than PATROL_MAX_SPEED_KMH from the previous good point
    POOR_ACCURACY = 2  # the phone's accuracy estimate is worse than PATROL_POOR_ACCURACY_M

    pk = models.CompositePrimaryKey("supervisor", "recorded_at")
    # No database FK constraint: checking it costs one lookup per point written (about half the
    # COPY time), and points are only written for the authenticated supervisor, whose user row is
    # never deleted (people leave by deactivation; Shift protects the row anyway).
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    recorded_at = models.DateTimeField()
    lon = models.FloatField()  # WGS84
    lat = models.FloatField()
    accuracy_m = models.PositiveSmallIntegerField(null=True, blank=True)
    flags = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("轨迹点")
        verbose_name_plural = _("轨迹点")

    def __str__(self):
        return f"{self.supervisor_id} {self.recorded_at:%Y-%m-%d %H:%M:%S} {self.lon:.6f},{self.lat:.6f}"

    @property
    def is_good(self) -> bool:
        return not self.flags & self.IMPOSSIBLE_SPEED
