"""Every msgid of the English catalogues has an English text, and the compiled .mo files are the
ones in the repository (read with urbangrid.pofiles: no gettext tools needed)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from urbangrid.pofiles import read_po

ROOT = Path(settings.BASE_DIR)
ENGLISH = sorted(p for p in ROOT.glob("*/locale/en/LC_MESSAGES/*.po")) + sorted(
    (ROOT / "locale/en/LC_MESSAGES").glob("*.po")
)
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%\(\w+\)\.\d+f|%[sd]|\{\w*\}")
HAN = re.compile(r"[\u4e00-\u9fff]+")


def test_the_english_catalogues_are_there():
    names = {str(p.relative_to(ROOT)) for p in ENGLISH}
    assert {"locale/en/LC_MESSAGES/django.po", "locale/en/LC_MESSAGES/djangojs.po"} <= names


@pytest.mark.parametrize("path", ENGLISH, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_msgid_has_an_english_msgstr(path):
    entries = read_po(path)
    assert entries
    assert [e.msgid for e in entries if not e.translated] == []
    # Chinese may stay only where the msgid quotes it as data (file values such as 工作日).
    assert [
        e.msgid for e in entries if any(leftover_chinese(e.msgid, text) for text in e.msgstr.values())
    ] == []


def leftover_chinese(msgid: str, text: str) -> bool:
    copied = text == msgid and bool(HAN.search(msgid))
    return copied or any(run not in msgid for run in HAN.findall(text))


@pytest.mark.parametrize("path", ENGLISH, ids=lambda p: str(p.relative_to(ROOT)))
def test_translations_keep_the_placeholders_and_the_plural_forms(path):
    for entry in read_po(path):
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        for text in entry.msgstr.values():
            assert sorted(PLACEHOLDER.findall(text)) == wanted, (entry.msgid, text)
        if entry.msgid_plural is not None:
            assert sorted(entry.msgstr) == [0, 1], entry.msgid


@pytest.mark.parametrize("path", ENGLISH, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_compiled_catalogue_is_not_older_than_its_source(path):
    compiled = path.with_suffix(".mo")
    assert compiled.exists(), f"{compiled} is missing: run scripts/messages.sh"
    # Not by mtime (a checkout sets both): the .mo must hold every msgstr of the .po.
    data = compiled.read_bytes()
    for entry in read_po(path):
        for text in entry.msgstr.values():
            assert text.encode() in data, (path.name, entry.msgid)


def test_the_reader_understands_plurals_flags_and_continued_lines(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#, python-format\nmsgid "可能重复 %(n)s 件"\nmsgid_plural "可能重复 %(n)s 件"\n'
        'msgstr[0] "%(n)s possible duplicate"\nmsgstr[1] ""\n\n'
        '#, fuzzy\nmsgid "受理"\nmsgstr "Intake"\n\n'
        'msgid ""\n"长"\n"文本"\nmsgstr ""\n"long "\n"text"\n\n'
        '#~ msgid "旧"\n#~ msgstr "old"\n',
        encoding="utf-8",
    )
    plural, fuzzy, long = read_po(po)
    assert (plural.msgid_plural, plural.msgstr, plural.translated) == (
        "可能重复 %(n)s 件", {0: "%(n)s possible duplicate", 1: ""}, False,
    )  # fmt: skip
    assert (fuzzy.msgstr, fuzzy.translated) == ({0: "Intake"}, False)
    assert (long.msgid, long.msgstr, long.translated) == ("长文本", {0: "long text"}, True)
