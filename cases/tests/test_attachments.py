"""Photo uploads: real images only, turned upright, EXIF position read then every EXIF tag stripped."""

import io

import pytest
from PIL import Image

from cases.attachments import clean_image
from urbangrid.errors import DomainError


def photo_with_exif(orientation=6, lon=102.8505, lat=24.8805) -> bytes:
    image = Image.new("RGB", (80, 40), (10, 120, 200))
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation: 6 = rotate 90° clockwise to view
    exif[0x010F] = "PhoneMaker"  # Make: must not survive
    gps = {
        1: "N",
        2: (24.0, 52.0, (lat - 24 - 52 / 60) * 3600),
        3: "E",
        4: (102.0, 51.0, (lon - 102 - 51 / 60) * 3600),
    }
    exif[0x8825] = gps
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_a_rotated_camera_photo_is_stored_upright_with_its_gps_read_and_exif_stripped():
    clean = clean_image(photo_with_exif())
    assert (clean.width, clean.height) == (40, 80)
    assert clean.exif_lon == pytest.approx(102.8505, abs=1e-6)
    assert clean.exif_lat == pytest.approx(24.8805, abs=1e-6)
    stored = Image.open(io.BytesIO(clean.content))
    assert dict(stored.getexif()) == {}
    assert b"PhoneMaker" not in clean.content


def test_a_png_stays_a_png():
    buffer = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(buffer, "PNG")
    clean = clean_image(buffer.getvalue())
    assert clean.content_type == "image/png" and clean.exif_lon is None


@pytest.mark.parametrize(
    "data, words",
    [
        (b"hello, I am a text file", "有效的图片"),
        (b"", "为空"),
        (photo_with_exif()[:300], "有效的图片"),
    ],
    ids=["text", "empty", "truncated"],
)
def test_what_is_not_a_photo_is_refused_with_a_message(data, words):
    with pytest.raises(DomainError, match=words):
        clean_image(data)


def test_a_photo_over_the_size_limit_is_refused():
    with pytest.raises(DomainError, match="过大"):
        clean_image(photo_with_exif(), max_bytes=100)


def test_a_gif_is_refused_as_an_unsupported_type():
    buffer = io.BytesIO()
    Image.new("P", (4, 4)).save(buffer, "GIF")
    with pytest.raises(DomainError, match="不支持"):
        clean_image(buffer.getvalue())
