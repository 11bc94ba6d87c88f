"""Validated uploads: photos are checked to be real images, turned upright, stripped of metadata.

Before stripping, the EXIF GPS position and the time the photo was taken are read and kept on the
Attachment row, as a cross-check of the position the reporter gave.

Files are written before the transaction that inserts their rows (write_clean_image); when that
transaction fails the caller deletes them (delete_files). A file left without a row all the same
(a killed process) is harmless, and `manage.py clean_orphan_media` removes it.
"""

import hashlib
import io
import math
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from urbangrid.errors import DomainError

from .models import Attachment

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MAX_PIXELS = 50_000_000  # a 50-megapixel photo; beyond that it is a decompression bomb
MAX_SIDE = 4096  # larger photos are scaled down: nobody needs more to see a broken cover


@dataclass
class CleanImage:
    content: bytes
    content_type: str
    extension: str
    width: int
    height: int
    exif_lon: float | None
    exif_lat: float | None
    taken_at: datetime | None


def _max_bytes() -> int:
    return int(getattr(settings, "URBANGRID_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))


def _read(upload) -> bytes:
    if isinstance(upload, bytes | bytearray):
        return bytes(upload)
    if hasattr(upload, "seek"):
        upload.seek(0)
    return upload.read()


def _ratio(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        numerator, denominator = value
        return float(numerator) / float(denominator)


def _gps(exif) -> tuple[float | None, float | None]:
    try:
        gps = exif.get_ifd(0x8825)  # GPSInfo
    except Exception:
        return None, None
    try:
        lat = sum(_ratio(part) / 60**i for i, part in enumerate(gps[2]))
        lon = sum(_ratio(part) / 60**i for i, part in enumerate(gps[4]))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None, None
    if gps.get(1) in ("S", b"S"):
        lat = -lat
    if gps.get(3) in ("W", b"W"):
        lon = -lon
    if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
        return None, None
    return round(lon, 7), round(lat, 7)


def _taken_at(exif) -> datetime | None:
    try:
        text = exif.get_ifd(0x8769).get(0x9003) or exif.get(0x0132)  # DateTimeOriginal, DateTime
        return timezone.make_aware(datetime.strptime(str(text).strip("\x00 "), "%Y:%m:%d %H:%M:%S"))
    except Exception:
        return None


def clean_image(upload, *, max_bytes: int | None = None) -> CleanImage:
    """Check that the upload is a real JPEG, PNG or WebP photo within the limits; return it upright
    and without any metadata, with its EXIF position and time read first."""
    data = _read(upload)
    limit = max_bytes or _max_bytes()
    if not data:
        raise DomainError(_("照片文件为空。"))
    if len(data) > limit:
        raise DomainError(
            _("照片过大（%(size)s KB），上限为 %(limit)s KB。")
            % {"size": len(data) // 1024, "limit": limit // 1024}
        )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            if probe.width * probe.height > MAX_PIXELS:
                raise DomainError(_("照片像素过多。"))
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except DomainError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise DomainError(_("文件不是有效的图片（支持 JPEG、PNG、WebP）。")) from None
    if image_format not in FORMATS:
        raise DomainError(_("不支持的图片格式，请上传 JPEG、PNG 或 WebP。"))
    exif = image.getexif()
    lon, lat = _gps(exif)
    taken_at = _taken_at(exif)
    image = ImageOps.exif_transpose(image)
    if max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    if image_format == "PNG":
        image.save(out, "PNG", optimize=True)
        content_type, extension = "image/png", "png"
    else:
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=85, optimize=True)  # no exif= argument: metadata dropped
        content_type, extension = "image/jpeg", "jpg"
    return CleanImage(out.getvalue(), content_type, extension, image.width, image.height, lon, lat, taken_at)


def store_attachment(upload, *, case, event=None, purpose: str, uploaded_by=None) -> Attachment:
    """Clean the upload and store it as an attachment of the case (and event)."""
    return store_clean_image(
        clean_image(upload), case=case, event=event, purpose=purpose, uploaded_by=uploaded_by
    )


def store_clean_image(clean, *, case, event=None, purpose: str, uploaded_by=None) -> Attachment:
    """Store an image already cleaned by clean_image(). Callers with several photos clean them all
    first, so a bad one is refused before any file is written (a rollback cannot remove files)."""
    attachment = write_clean_image(clean, purpose=purpose, uploaded_by=uploaded_by)
    attachment.case, attachment.event = case, event
    attachment.save()
    return attachment


def write_clean_image(clean, *, purpose: str, uploaded_by=None) -> Attachment:
    """Write the file of a cleaned image and return its Attachment row, not saved yet.

    Intake writes files before its transaction, so the database is locked only for the inserts;
    if the transaction then fails, the caller removes the files with delete_files()."""
    digest = hashlib.sha256(clean.content).hexdigest()
    attachment = Attachment(
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
    return attachment


def delete_files(attachments) -> None:
    """Remove the files of attachments whose rows were never committed (best effort: what is left
    behind, e.g. by a killed process, `manage.py clean_orphan_media` removes later)."""
    for attachment in attachments:
        try:
            attachment.file.storage.delete(attachment.file.name)
        except OSError:
            pass


def position_mismatch_metres(attachment: Attachment, lon: float, lat: float) -> float | None:
    """How far the photo's EXIF position is from the reported one (None without EXIF GPS)."""
    if attachment.exif_lon is None or attachment.exif_lat is None:
        return None
    x = math.radians(lon - attachment.exif_lon) * math.cos(math.radians((lat + attachment.exif_lat) / 2))
    y = math.radians(lat - attachment.exif_lat)
    return 6_371_000 * math.hypot(x, y)
