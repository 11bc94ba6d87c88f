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
from typing import NamedTuple

import numpy as np
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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
    accuracy_m: float | None = None


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
        accuracy = None if accuracy is None else float(accuracy)
    except (KeyError, TypeError, ValueError, OverflowError, OSError, AttributeError):
        raise DomainError(_("第 %(n)d 个轨迹点格式不正确") % {"n": index + 1}) from None
    return RawPoint(recorded_at, lon, lat, accuracy)


def _as_arrays(points: list[dict]):
    """(t in epoch ms, lon, lat, accuracy with NaN for unknown) as numpy arrays, validated.

    The common case (numeric times) is converted in bulk; anything else goes point by point so
    that the error names the first bad point.
    """
    try:
        t = np.array([p["t"] for p in points], dtype=np.float64)
        lon = np.array([p["lon"] for p in points], dtype=np.float64)
        lat = np.array([p["lat"] for p in points], dtype=np.float64)
        acc = np.array([p.get("acc") for p in points], dtype=np.float64)
        if not np.isfinite(t).all():
            raise ValueError("time not finite")
    except (KeyError, TypeError, ValueError, AttributeError):
        parsed = [parse_point(i, raw) for i, raw in enumerate(points)]
        t = np.array([p.recorded_at.timestamp() * 1000 for p in parsed], dtype=np.float64)
        lon = np.array([p.lon for p in parsed], dtype=np.float64)
        lat = np.array([p.lat for p in parsed], dtype=np.float64)
        acc = np.array([p.accuracy_m for p in parsed], dtype=np.float64)
    bad = ~(np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90))
    if bad.any():
        raise DomainError(_("第 %(n)d 个轨迹点坐标超出范围") % {"n": int(np.argmax(bad)) + 1})
    if (acc < 0).any():
        raise DomainError(_("第 %(n)d 个轨迹点精度为负数") % {"n": int(np.argmax(acc < 0)) + 1})
    return np.round(t).astype(np.int64), lon, lat, np.minimum(acc, 32767)


def haversine_m(lon1, lat1, lon2, lat2):
    """Great-circle distance in metres; works on floats and on numpy arrays."""
    lon1, lat1, lon2, lat2 = (np.radians(v) for v in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a))


def _ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


def _from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def ingest_batch(supervisor, client_batch_id: str, points: list[dict], *, now=None) -> BatchResult:
    """Validate and store one upload of track points from `supervisor`'s phone.

    Malformed input (a point without time, coordinates out of range, too many points) refuses the
    whole upload with a DomainError, so the phone shows why and nothing is half-written.
    """
    client_batch_id = (client_batch_id or "").strip()
    if not client_batch_id or len(client_batch_id) > 64:
        raise DomainError(_("轨迹批次缺少客户端编号"))
    if not points:
        raise DomainError(_("轨迹批次没有轨迹点"))
    if len(points) > MAX_POINTS_PER_BATCH:
        raise DomainError(_("一个轨迹批次最多 %(n)d 个点") % {"n": MAX_POINTS_PER_BATCH})
    arrays = _as_arrays(points)
    now = now or timezone.now()
    try:
        return _ingest(supervisor, client_batch_id, arrays, now, use_copy=True)
    except _Overlap:
        # Another upload of the same supervisor stored some of these times meanwhile: redo the
        # whole upload, now skipping the times already stored.
        return _ingest(supervisor, client_batch_id, arrays, now, use_copy=False)


class _Overlap(Exception):
    pass


def _ingest(supervisor, client_batch_id, arrays, now, *, use_copy) -> BatchResult:
    with transaction.atomic():
        result = BatchResult(client_batch_id, len(arrays[0]), 0, 0, 0)
        t, lon, lat, acc, flags = _validated(supervisor, *arrays, now, result)
        result.stored = len(t)
        if not _claim_batch(supervisor, result, t):
            first = TrackBatch.objects.get(supervisor=supervisor, client_batch_id=client_batch_id)
            return BatchResult(
                client_batch_id,
                first.received,
                first.stored,
                first.duplicates,
                first.speed_flagged,
                replayed=True,
            )
        if len(t):
            _store(supervisor.pk, t, lon, lat, acc, flags, use_copy=use_copy)
    return result


def _claim_batch(supervisor, result: BatchResult, t) -> bool:
    """Record the upload under its client id; False when that id was recorded before.

    One INSERT ... ON CONFLICT DO NOTHING: a concurrent upload with the same id waits for the
    first one's transaction and then finds the id taken.
    """
    adapt = connection.ops.adapt_datetimefield_value
    first_at = adapt(_from_ms(int(t[0]))) if len(t) else None
    last_at = adapt(_from_ms(int(t[-1]))) if len(t) else None
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TrackBatch._meta.db_table} (supervisor_id, client_batch_id, received_at, received,"
            " stored, duplicates, speed_flagged, first_at, last_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (supervisor_id, client_batch_id) DO NOTHING RETURNING id",
            [
                supervisor.pk,
                result.client_batch_id,
                adapt(timezone.now()),
                result.received,
                result.stored,
                result.duplicates,
                result.speed_flagged,
                first_at,
                last_at,
            ],
        )
        return cursor.fetchone() is not None


def _validated(supervisor, t, lon, lat, acc, now, result: BatchResult):
    """The points to store, sorted by time, with their flags; counts what is left out and why."""
    future_limit = _ms(now + timedelta(minutes=_setting("PATROL_CLOCK_TOLERANCE_MINUTES", 5)))
    past_limit = _ms(now - timedelta(days=_setting("PATROL_MAX_UPLOAD_AGE_DAYS", 30)))
    for index in np.flatnonzero(t > future_limit):
        result.rejected.append({"index": int(index), "reason": _("时间晚于服务器当前时间（手机时钟不准？）")})
    for index in np.flatnonzero(t < past_limit):
        result.rejected.append({"index": int(index), "reason": _("时间早于可补传的期限")})
    result.rejected.sort(key=lambda item: item["index"])
    keep = (t <= future_limit) & (t >= past_limit)
    # Phones may send points out of order (several recorders, clock corrections): sort, never refuse.
    order = np.flatnonzero(keep)
    order = order[np.argsort(t[order], kind="stable")]
    t, lon, lat, acc = t[order], lon[order], lat[order], acc[order]
    if len(t):
        fresh = np.ones(len(t), dtype=bool)
        fresh[1:] = t[1:] != t[:-1]  # the same time twice in one upload: the first one counts
        existing = TrackPoint.objects.filter(
            supervisor=supervisor, recorded_at__gte=_from_ms(int(t[0])), recorded_at__lte=_from_ms(int(t[-1]))
        ).values_list("recorded_at", flat=True)
        if existing:
            fresh &= ~np.isin(t, np.array([_ms(moment) for moment in existing], dtype=np.int64))
        result.duplicates = int((~fresh).sum())
        t, lon, lat, acc = t[fresh], lon[fresh], lat[fresh], acc[fresh]
    flags = np.where(acc > _setting("PATROL_POOR_ACCURACY_M", 100), TrackPoint.POOR_ACCURACY, 0)
    if len(t):
        flags |= _speed_flags(supervisor, t, lon, lat)
        result.speed_flagged = int((flags & TrackPoint.IMPOSSIBLE_SPEED).astype(bool).sum())
    return t, lon, lat, acc, flags


def _speed_flags(supervisor, t, lon, lat):
    """IMPOSSIBLE_SPEED for each point faster than the limit from the last good point before it."""
    max_speed = _setting("PATROL_MAX_SPEED_KMH", 120) / 3.6
    previous = _last_good_point_before(supervisor, _from_ms(int(t[0])))
    pt = np.concatenate([[previous[0]], t]) if previous else t
    plon = np.concatenate([[previous[1]], lon]) if previous else lon
    plat = np.concatenate([[previous[2]], lat]) if previous else lat
    flags = np.zeros(len(t), dtype=np.int64)

    def too_fast(metres, seconds):
        # Short hops are GPS jitter, not travel: only a real distance can be "impossible".
        return (metres > 200) & (metres > max_speed * seconds)

    metres = haversine_m(plon[:-1], plat[:-1], plon[1:], plat[1:])
    if not too_fast(metres, (pt[1:] - pt[:-1]) / 1000).any():
        return flags  # the usual case: a plain walk, decided in bulk
    # A jump: compare each point with the last good one, in order.
    times, lons, lats = pt.tolist(), plon.tolist(), plat.tolist()
    good = (times[0], lons[0], lats[0])
    offset = 1 if previous else 0
    for i in range(1, len(times)):
        metres = _haversine_scalar(good[1], good[2], lons[i], lats[i])
        if too_fast(metres, (times[i] - good[0]) / 1000):
            flags[i - offset] = TrackPoint.IMPOSSIBLE_SPEED
        else:
            good = (times[i], lons[i], lats[i])
    return flags


def _haversine_scalar(lon1, lat1, lon2, lat2) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (lon1, lat1, lon2, lat2))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def _last_good_point_before(supervisor, moment):
    recent = (
        TrackPoint.objects.filter(supervisor=supervisor, recorded_at__lt=moment)
        .order_by("-recorded_at")
        .values_list("recorded_at", "lon", "lat", "flags")[:20]
    )
    for recorded_at, lon, lat, flags in recent:
        if not flags & TrackPoint.IMPOSSIBLE_SPEED:
            return _ms(recorded_at), lon, lat
    return None


COLUMNS = "supervisor_id, recorded_at, lon, lat, accuracy_m, flags"


def _store(supervisor_id: int, t, lon, lat, acc, flags, *, use_copy: bool) -> None:
    """Bulk write: COPY on PostgreSQL (text built in bulk), one executemany elsewhere."""
    table = TrackPoint._meta.db_table
    accuracy = [None if a != a else int(round(a)) for a in acc.tolist()]
    if connection.vendor == "postgresql" and use_copy:
        times = np.datetime_as_string(t.astype("datetime64[ms]"), unit="ms")
        null = "\\N"
        accuracy_text = [null if a is None else a for a in accuracy]
        text = "".join(
            f"{supervisor_id}\t{moment}+00\t{x!r}\t{y!r}\t{a}\t{f}\n"
            for moment, x, y, a, f in zip(
                times.tolist(), lon.tolist(), lat.tolist(), accuracy_text, flags.tolist(), strict=True
            )
        )
        try:
            with connection.cursor() as cursor, connection.wrap_database_errors:
                with cursor.cursor.copy(f"COPY {table} ({COLUMNS}) FROM STDIN") as copy:
                    copy.write(text)
        except IntegrityError:
            raise _Overlap from None
        return
    if connection.vendor == "postgresql":
        sql = f"INSERT INTO {table} ({COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"
    elif connection.vendor == "sqlite":
        sql = f"INSERT OR IGNORE INTO {table} ({COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s)"
    else:
        sql = f"INSERT INTO {table} ({COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s)"
    adapt = connection.ops.adapt_datetimefield_value
    rows = [
        (supervisor_id, adapt(_from_ms(ms)), x, y, a, f)
        for ms, x, y, a, f in zip(
            t.tolist(), lon.tolist(), lat.tolist(), accuracy, flags.tolist(), strict=True
        )
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def day_bounds(day, tz=None):
    """The aware [start, end) of a local calendar day."""
    tz = tz or timezone.get_current_timezone()
    start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    return start, start + timedelta(days=1)


class Fix(NamedTuple):
    """One stored position, as replay and figures read it (lighter than a model instance)."""

    recorded_at: datetime
    lon: float
    lat: float
    accuracy_m: int | None
    flags: int

    @property
    def is_good(self) -> bool:
        return not self.flags & TrackPoint.IMPOSSIBLE_SPEED


def track_between(supervisor, start, end, *, good_only=False) -> list[Fix]:
    """The points of one supervisor in [start, end), in time order: one index range scan."""
    rows = (
        TrackPoint.objects.filter(supervisor=supervisor, recorded_at__gte=start, recorded_at__lt=end)
        .order_by("recorded_at")
        .values_list("recorded_at", "lon", "lat", "accuracy_m", "flags")
    )
    fixes = [Fix(*row) for row in rows]
    return [f for f in fixes if f.is_good] if good_only else fixes


def distance_m(points) -> float:
    """Length of a track along its good points, in metres."""
    good = [p for p in points if p.is_good]
    if len(good) < 2:
        return 0.0
    lons = np.fromiter((p.lon for p in good), float, len(good))
    lats = np.fromiter((p.lat for p in good), float, len(good))
    return float(haversine_m(lons[:-1], lats[:-1], lons[1:], lats[1:]).sum())
