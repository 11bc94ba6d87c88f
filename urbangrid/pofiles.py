"""A small reader for gettext .po files, so tests and scripts can check the catalogues without the
gettext tools. It understands what makemessages writes: msgctxt, msgid, msgid_plural, msgstr and
msgstr[n], continued string lines, flags (#, fuzzy) and obsolete entries (#~, skipped)."""

import ast
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # index 0 for a singular entry
    flags: set[str] = field(default_factory=set)

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values()) and "fuzzy" not in self.flags


def read_po(path: Path) -> list[Entry]:
    """Every entry of the file except the header (the entry whose msgid is empty)."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int] | None = None
    started = False

    def finish():
        nonlocal entry, started
        if started and entry.msgid:
            entries.append(entry)
        entry, started = Entry(), False

    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if started:
                finish()
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            value = ast.literal_eval(line)
        else:
            value = ast.literal_eval(rest)
            if keyword in ("msgctxt", "msgid") and started and target[0] in ("msgstr",):
                finish()
            if keyword == "msgctxt":
                target = ("msgctxt", 0)
            elif keyword == "msgid":
                target = ("msgid", 0)
            elif keyword == "msgid_plural":
                target = ("msgid_plural", 0)
            elif keyword == "msgstr":
                target = ("msgstr", 0)
            elif keyword.startswith("msgstr["):
                target = ("msgstr", int(keyword[7:-1]))
            else:
                raise ValueError(f"{path}: cannot read {raw!r}")
            started = True
            if target[0] == "msgstr":
                entry.msgstr.setdefault(target[1], "")
            elif getattr(entry, target[0]) is None:
                setattr(entry, target[0], "")
        name, index = target
        if name == "msgstr":
            entry.msgstr[index] += value
        else:
            setattr(entry, name, (getattr(entry, name) or "") + value)
    finish()
    return entries


def untranslated(path: Path) -> list[str]:
    """The msgids of the file that have an empty (or fuzzy) translation."""
    return [entry.msgid for entry in read_po(path) if not entry.translated]
