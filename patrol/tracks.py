"""Track ingestion and replay: the only code that writes `TrackPoint` rows.

`ingest_batch` validates one upload from a phone and stores it in bulk. It never drops a point
silently: every point not stored is counted in the answer with its reason (duplicate, in the
future, before the retention window); points that imply an impossible speed are stored and
flagged, because the centre may want to see them (a phone that jumps is a fact too) but they are
left out of distances and coverage. A retried upload (same client batch id) is stored once and
answered with the first result.
"""

import math
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from urbangrid.errors import DomainError

from .models import TrackBatch, TrackPoint

EARTH_RADIUS_M = 6_371_008.8
MAX_POINTS_PER_BATCH = 2000


def _setting(name: str, default):
    return getattr(settings, name, default)


@dataclass
class BatchResult:
    client_batch_id: str
    received: int
    stored: int
    duplicates: int
    speed_flagged: int
    rejected: list[dict] = field(default_factory=list)  # [{"index": i, "reason": "..."}]
    replayed: bool = False  # True when this client batch id had been accepted before

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class RawPoint:
    recorded_at: datetime
    lon: float
    lat: float
    accuracy_m: int | None = None


def parse_point(index: int, raw: dict) -> RawPoint:
    """One point as the phone sends it: {"t": epoch milliseconds or ISO time, "lon", "lat", "acc"}."""
    try:
        t = raw["t"]
        if isinstance(t, int | float):
            recorded_at = datetime.fromtimestamp(t / 1000, tz=UTC)
        else:
            recorded_at = datetime.fromisoformat(str(t))
            if timezone.is_naive(recorded_at):
                raise ValueError("naive time")
        lon, lat = float(raw["lon"]), float(raw["lat"])
        accuracy = raw.get("acc")
        accuracy = None if accuracy is None else min(int(round(float(accuracy))), 32767)
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        raise DomainError(f"第 {index + 1} 个轨迹点格式不正确") from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90) or math.isnan(lon) or math.isnan(lat):
        raise DomainError(f"第 {index + 1} 个轨迹点坐标超出范围")
    if accuracy is not None and accuracy < 0:
        raise DomainError(f"第 {index + 1} 个轨迹点精度为负数")
    return RawPoint(recorded_at, lon, lat, accuracy)


def haversine_m(lon1, lat1, lon2, lat2):
    """Great-circle distance in metres; works on floats and on numpy arrays."""
    lon1, lat1, lon2, lat2 = (np.radians(v) for v in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a))


def ingest_batch(supervisor, client_batch_id: str, points: list[dict], *, now=None) -> BatchResult:
    """Validate and store one upload of track points from `supervisor`'s phone.

    Malformed input (a point without time, coordinates out of range, too many points) refuses the
    whole upload with a DomainError, so the phone shows why and nothing is half-written.
    """
    client_batch_id = (client_batch_id or "").strip()
    if not client_batch_id or len(client_batch_id) > 64:
        raise DomainError("轨迹批次缺少客户端编号")
    if not points:
        raise DomainError("轨迹批次没有轨迹点")
    if len(points) > MAX_POINTS_PER_BATCH:
        raise DomainError(f"一个轨迹批次最多 {MAX_POINTS_PER_BATCH} 个点")
    parsed = [parse_point(i, raw) for i, raw in enumerate(points)]
    now = now or timezone.now()

    with transaction.atomic():
        try:
            with transaction.atomic():
                batch = TrackBatch.objects.create(
                    supervisor=supervisor, client_batch_id=client_batch_id, received=len(parsed)
                )
        except IntegrityError:
            first = TrackBatch.objects.get(supervisor=supervisor, client_batch_id=client_batch_id)
            return BatchResult(
                client_batch_id,
                first.received,
                first.stored,
                first.duplicates,
                first.speed_flagged,
                replayed=True,
            )
        result = BatchResult(client_batch_id, len(parsed), 0, 0, 0)
        rows = _validated_rows(supervisor, parsed, now, result)
        if rows:
            _store(rows)
        result.stored = len(rows)
        batch.stored, batch.duplicates, batch.speed_flagged = (
            result.stored,
            result.duplicates,
            result.speed_flagged,
        )
        if rows:
            batch.first_at, batch.last_at = rows[0][1], rows[-1][1]
        batch.save(update_fields=["stored", "duplicates", "speed_flagged", "first_at", "last_at"])
    return result


def _validated_rows(supervisor, parsed: list[RawPoint], now, result: BatchResult) -> list[tuple]:
    future_limit = now + timedelta(minutes=_setting("PATROL_CLOCK_TOLERANCE_MINUTES", 5))
    past_limit = now - timedelta(days=_setting("PATROL_MAX_UPLOAD_AGE_DAYS", 30))
    max_speed = _setting("PATROL_MAX_SPEED_KMH", 120) / 3.6
    poor_accuracy = _setting("PATROL_POOR_ACCURACY_M", 100)

    kept: list[tuple[int, RawPoint]] = []
    for index, point in enumerate(parsed):
        if point.recorded_at > future_limit:
            result.rejected.append({"index": index, "reason": "时间晚于服务器当前时间（手机时钟不准？）"})
        elif point.recorded_at < past_limit:
            result.rejected.append({"index": index, "reason": "时间早于可补传的期限"})
        else:
            kept.append((index, point))
    if not kept:
        return []
    # Phones may send points out of order (several recorders, clock corrections): sort, never refuse.
    kept.sort(key=lambda item: item[1].recorded_at)
    first_at, last_at = kept[0][1].recorded_at, kept[-1][1].recorded_at
    existing = set(
        TrackPoint.objects.filter(
            supervisor=supervisor, recorded_at__gte=first_at, recorded_at__lte=last_at
        ).values_list("recorded_at", flat=True)
    )
    previous = _last_good_point_before(supervisor, first_at)
    rows = []
    last_time = None
    for _index, point in kept:
        if point.recorded_at == last_time or point.recorded_at in existing:
            result.duplicates += 1
            continue
        last_time = point.recorded_at
        flags = 0
        if point.accuracy_m is not None and point.accuracy_m > poor_accuracy:
            flags |= TrackPoint.POOR_ACCURACY
        if previous is not None:
            seconds = (point.recorded_at - previous[0]).total_seconds()
            metres = float(haversine_m(previous[1], previous[2], point.lon, point.lat))
            # Short hops are GPS jitter, not travel: only a real distance can be "impossible".
            if metres > 200 and metres / seconds > max_speed:
                flags |= TrackPoint.IMPOSSIBLE_SPEED
                result.speed_flagged += 1
        if not flags & TrackPoint.IMPOSSIBLE_SPEED:
            previous = (point.recorded_at, point.lon, point.lat)
        rows.append((supervisor.pk, point.recorded_at, point.lon, point.lat, point.accuracy_m, flags))
    return rows


def _last_good_point_before(supervisor, moment):
    recent = (
        TrackPoint.objects.filter(supervisor=supervisor, recorded_at__lt=moment)
        .order_by("-recorded_at")
        .values_list("recorded_at", "lon", "lat", "flags")[:20]
    )
    for recorded_at, lon, lat, flags in recent:
        if not flags & TrackPoint.IMPOSSIBLE_SPEED:
            return recorded_at, lon, lat
    return None


COLUMNS = "supervisor_id, recorded_at, lon, lat, accuracy_m, flags"


def _store(rows: list[tuple]) -> None:
    """Bulk write: COPY on PostgreSQL, one executemany elsewhere."""
    table = TrackPoint._meta.db_table
    if connection.vendor == "postgresql":
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                with cursor.cursor.copy(f"COPY {table} ({COLUMNS}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            return
        except IntegrityError:
            pass  # another upload of the same supervisor wrote some of these times meanwhile
        sql = f"INSERT INTO {table} ({COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"
    else:
        sql = f"INSERT OR IGNORE INTO {table} ({COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s)"
        if connection.vendor != "sqlite":
            sql = f"INSERT INTO {table} ({COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s)"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def day_bounds(day, tz=None):
    """The aware [start, end) of a local calendar day."""
    tz = tz or timezone.get_current_timezone()
    start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    return start, start + timedelta(days=1)


def track_between(supervisor, start, end, *, good_only=False) -> list[TrackPoint]:
    """The points of one supervisor in [start, end), in time order: one index range scan."""
    points = TrackPoint.objects.filter(supervisor=supervisor, recorded_at__gte=start, recorded_at__lt=end)
    points = points.order_by("recorded_at").only("recorded_at", "lon", "lat", "accuracy_m", "flags")
    if good_only:
        return [p for p in points if not p.flags & TrackPoint.IMPOSSIBLE_SPEED]
    return list(points)


def distance_m(points) -> float:
    """Length of a track along its good points, in metres."""
    good = [p for p in points if not p.flags & TrackPoint.IMPOSSIBLE_SPEED]
    if len(good) < 2:
        return 0.0
    lons = np.fromiter((p.lon for p in good), float, len(good))
    lats = np.fromiter((p.lat for p in good), float, len(good))
    return float(haversine_m(lons[:-1], lats[:-1], lons[1:], lats[1:]).sum())
