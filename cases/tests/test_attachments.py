import io
import os

import pytest
from django.core.management import call_command
from PIL import Image

from cases.attachments import clean_image, position_mismatch_metres, store_attachment
from cases.models import Attachment
from urbangrid.errors import DomainError


def jpeg_with_exif(width=40, height=20, orientation=6):
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"  # camera make: must not survive
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (24.0, 53.0, 6.0)  # 24°53'06" N = 24.885
    gps[3] = "E"
    gps[4] = (102.0, 49.0, 30.0)  # 102°49'30" E = 102.825
    exif.get_ifd(0x8769)[0x9003] = "2026:11:20 10:15:00"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_a_photo_with_orientation_6_becomes_upright_with_swapped_size():
    clean = clean_image(jpeg_with_exif(40, 20))
    assert (clean.width, clean.height) == (20, 40)
    assert clean.content_type == "image/jpeg"
    assert Image.open(io.BytesIO(clean.content)).size == (20, 40)


def test_the_gps_position_and_time_are_read():
    clean = clean_image(jpeg_with_exif())
    assert clean.exif_lat == pytest.approx(24.885)
    assert clean.exif_lon == pytest.approx(102.825)
    assert clean.taken_at.isoformat() == "2026-11-20T10:15:00+08:00"


def test_exif_is_stripped_from_the_stored_bytes():
    clean = clean_image(jpeg_with_exif())
    assert len(Image.open(io.BytesIO(clean.content)).getexif()) == 0
    assert b"PhoneMaker" not in clean.content
    assert b"Exif" not in clean.content


def test_a_png_stays_a_png():
    out = io.BytesIO()
    Image.new("RGBA", (10, 7), (0, 0, 255, 128)).save(out, "PNG")
    clean = clean_image(out.getvalue())
    assert clean.content_type == "image/png"
    assert (clean.width, clean.height) == (10, 7)
    assert Image.open(io.BytesIO(clean.content)).format == "PNG"


def test_a_text_file_named_jpg_is_refused():
    with pytest.raises(DomainError, match="不是有效的图片"):
        clean_image(b"hello, this is not a photo")


def test_a_too_big_file_is_refused():
    with pytest.raises(DomainError, match="文件过大"):
        clean_image(jpeg_with_exif(), max_bytes=100)


def test_a_truncated_jpeg_is_refused():
    data = jpeg_with_exif(400, 300)
    with pytest.raises(DomainError, match="损坏"):
        clean_image(data[: len(data) // 2])


def test_an_unsupported_format_is_refused():
    out = io.BytesIO()
    Image.new("RGB", (5, 5)).save(out, "GIF")
    with pytest.raises(DomainError, match="不支持"):
        clean_image(out.getvalue())


def test_a_huge_photo_is_downsized():
    out = io.BytesIO()
    Image.new("RGB", (5000, 100)).save(out, "JPEG")
    clean = clean_image(out.getvalue())
    assert (clean.width, clean.height) == (4096, 82)


@pytest.mark.django_db
def test_store_attachment_writes_the_clean_file_and_the_row(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    attachment = store_attachment(
        io.BytesIO(jpeg_with_exif()), case=None, purpose=Attachment.Purpose.REPORT, uploaded_by=None
    )
    stored = (tmp_path / attachment.file.name).read_bytes()
    assert attachment.size == len(stored)
    assert len(attachment.sha256) == 64
    assert b"PhoneMaker" not in stored
    assert position_mismatch_metres(attachment, 102.825, 24.885) == pytest.approx(0, abs=0.01)
    assert position_mismatch_metres(attachment, 102.825, 24.886) == pytest.approx(111.2, abs=0.5)


@pytest.mark.django_db
def test_clean_orphan_media_removes_only_files_without_a_row(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    kept = store_attachment(io.BytesIO(jpeg_with_exif()), case=None, purpose="report")
    orphan = tmp_path / "cases" / "2026" / "01" / "orphan.jpg"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"x")
    os.utime(tmp_path / kept.file.name, (0, 0))
    os.utime(orphan, (0, 0))
    call_command("clean_orphan_media", stdout=io.StringIO())
    assert not orphan.exists()
    assert (tmp_path / kept.file.name).exists()
