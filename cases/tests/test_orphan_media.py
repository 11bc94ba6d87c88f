import io
import os

import pytest
from django.core.management import call_command
from PIL import Image

from cases.attachments import store_attachment

pytestmark = pytest.mark.django_db


def small_jpeg():
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (10, 120, 10)).save(out, "JPEG")
    return out.getvalue()


def test_clean_orphan_media_removes_old_files_without_a_row_and_keeps_the_rest(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    kept = store_attachment(io.BytesIO(small_jpeg()), case=None, purpose="report")
    orphan = tmp_path / "cases" / "2026" / "01" / "orphan.jpg"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"x")
    young_orphan = tmp_path / "cases" / "2026" / "01" / "young.jpg"
    young_orphan.write_bytes(b"y")  # maybe a transaction still running: kept
    os.utime(tmp_path / kept.file.name, (0, 0))
    os.utime(orphan, (0, 0))
    out = io.StringIO()
    call_command("clean_orphan_media", stdout=out)
    assert out.getvalue().strip() == "1 orphan files"
    assert not orphan.exists()
    assert young_orphan.exists()
    assert (tmp_path / kept.file.name).exists()


def test_a_dry_run_deletes_nothing(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    orphan = tmp_path / "cases" / "orphan.jpg"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"x")
    os.utime(orphan, (0, 0))
    out = io.StringIO()
    call_command("clean_orphan_media", "--dry-run", stdout=out)
    assert out.getvalue().strip() == "1 orphan files (dry run)"
    assert orphan.exists()


def test_a_report_whose_transaction_fails_leaves_no_photo_file_behind(
    people, catalogue, photo, settings, monkeypatch
):
    """Photos are written before the report's transaction; when it rolls back they are removed."""
    from pathlib import Path

    from cases import workflow
    from cases.models import Case, Source

    from .conftest import WEST_POINT

    def broken_record(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(workflow, "_record", broken_record)
    with pytest.raises(RuntimeError):
        workflow.report(
            people.alice,
            source=Source.SUPERVISOR,
            category=catalogue.cover,
            lon=WEST_POINT[0],
            lat=WEST_POINT[1],
            photos=[photo(), photo()],
        )
    assert not Case.objects.exists()
    assert [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()] == []
