"""Validated uploads: photos are checked to be real images, turned upright, read for their EXIF
GPS position and time (a cross-check of the reported position), then re-encoded without any
metadata (no EXIF, no GPS, no camera data is ever stored or served).

Files and transactions: store_attachment() writes the file when called, inside the workflow's
transaction. If that transaction rolls back, the row disappears but the file stays on disk as
an orphan: harmless (it is never linked or served) and removed by `manage.py clean_orphan_media`.
Deleting files on rollback would need a hook Django does not offer; writing after commit would
leave a row without its file if the process died in between, which is worse.
"""

from __future__ import annotations

import hashlib
import io
import math
import warnings
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from urbangrid.errors import DomainError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 60_000_000  # more is a decompression bomb, not a phone photo
MAX_SIDE = 4096
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}

GPS_IFD = 0x8825
EXIF_IFD = 0x8769
DATETIME_ORIGINAL = 0x9003


@dataclass
class CleanImage:
    content: bytes
    content_type: str
    width: int
    height: int
    exif_lon: float | None = None
    exif_lat: float | None = None
    taken_at: datetime | None = None

    @property
    def extension(self) -> str:
        return {v[0]: v[1] for v in FORMATS.values()}[self.content_type]


def _read(data, max_bytes: int) -> bytes:
    if isinstance(data, bytes | bytearray):
        raw = bytes(data)
    else:
        size = getattr(data, "size", None)
        if size is not None and size > max_bytes:
            raise DomainError(f"文件过大（最大 {max_bytes // (1024 * 1024)} MB）")
        if hasattr(data, "seek"):
            data.seek(0)
        raw = data.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise DomainError(f"文件过大（最大 {max_bytes // (1024 * 1024)} MB）")
    if not raw:
        raise DomainError("文件为空")
    return raw


def _ratio(value) -> float:
    try:
        return float(value)
    except (TypeError, ZeroDivisionError):
        num, den = value
        return num / den


def _gps(exif) -> tuple[float | None, float | None]:
    try:
        gps = exif.get_ifd(GPS_IFD)
    except Exception:
        return None, None
    try:
        lat_ref, lat, lon_ref, lon = gps.get(1), gps.get(2), gps.get(3), gps.get(4)
        if not (lat and lon):
            return None, None
        lat_v = sum(_ratio(x) / 60**i for i, x in enumerate(lat))
        lon_v = sum(_ratio(x) / 60**i for i, x in enumerate(lon))
        if str(lat_ref).upper().startswith("S"):
            lat_v = -lat_v
        if str(lon_ref).upper().startswith("W"):
            lon_v = -lon_v
        if not (math.isfinite(lat_v) and math.isfinite(lon_v)) or abs(lat_v) > 90 or abs(lon_v) > 180:
            return None, None
        if lat_v == 0 and lon_v == 0:
            return None, None
        return round(lon_v, 7), round(lat_v, 7)
    except Exception:
        return None, None


def _taken_at(exif) -> datetime | None:
    try:
        raw = exif.get_ifd(EXIF_IFD).get(DATETIME_ORIGINAL) or exif.get(0x0132)
        if not raw:
            return None
        naive = datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
        return timezone.make_aware(naive)
    except Exception:
        return None


def clean_image(data, *, max_bytes: int | None = None) -> CleanImage:
    """Check, orient, read and strip an uploaded photo; raise DomainError when it is not one."""
    if max_bytes is None:
        max_bytes = getattr(settings, "URBANGRID_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES)
    raw = _read(data, max_bytes)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(raw))
            fmt = probe.format
            if fmt not in FORMATS:
                raise DomainError("不支持的图片格式（仅支持 JPEG、PNG、WebP）")
            if probe.width * probe.height > MAX_PIXELS:
                raise DomainError("图片像素过多")
            probe.verify()
            image = Image.open(io.BytesIO(raw))
            image.load()
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise DomainError("图片像素过多") from exc
    except UnidentifiedImageError as exc:
        raise DomainError("文件不是有效的图片") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise DomainError("图片文件已损坏或不完整") from exc

    exif = image.getexif()
    lon, lat = _gps(exif)
    taken_at = _taken_at(exif)
    image = ImageOps.exif_transpose(image)
    if max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)

    out = io.BytesIO()
    if fmt == "PNG":
        image.save(out, "PNG", optimize=True)
    elif fmt == "WEBP":
        image.save(out, "WEBP", quality=85)
    else:
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=85, optimize=True)
    return CleanImage(
        content=out.getvalue(),
        content_type=FORMATS[fmt][0],
        width=image.width,
        height=image.height,
        exif_lon=lon,
        exif_lat=lat,
        taken_at=taken_at,
    )


def store_attachment(upload, *, case, event=None, purpose, uploaded_by=None):
    """Clean the photo, store it under MEDIA_ROOT and create its Attachment row."""

    return store_clean_image(
        clean_image(upload), case=case, event=event, purpose=purpose, uploaded_by=uploaded_by
    )


def store_clean_image(clean: CleanImage, *, case, event=None, purpose, uploaded_by=None):
    """Store an already cleaned photo (the workflow cleans every photo before writing any)."""
    from .models import Attachment

    digest = hashlib.sha256(clean.content).hexdigest()
    attachment = Attachment(
        case=case,
        event=event,
        purpose=purpose,
        content_type=clean.content_type,
        size=len(clean.content),
        sha256=digest,
        width=clean.width,
        height=clean.height,
        exif_lon=clean.exif_lon,
        exif_lat=clean.exif_lat,
        taken_at=clean.taken_at,
        uploaded_by=uploaded_by,
    )
    attachment.file.save(f"{digest[:16]}.{clean.extension}", ContentFile(clean.content), save=False)
    attachment.save()
    return attachment


def position_mismatch_metres(attachment, lon: float, lat: float) -> float | None:
    """Distance between the photo's EXIF position and (lon, lat); None when the photo has none."""
    if attachment.exif_lon is None or attachment.exif_lat is None or lon is None or lat is None:
        return None
    r = 6_371_008.8
    p1, p2 = math.radians(attachment.exif_lat), math.radians(lat)
    dp = p2 - p1
    dl = math.radians(lon - attachment.exif_lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))
