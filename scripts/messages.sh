#!/usr/bin/env bash
# Regenerate the translation catalogues from the code and compile them. Run after changing UI text,
# fill in the new or changed (fuzzy) msgstr in the .po files, run it again, commit .po and .mo.
# Needs gettext (apt-get install gettext); running the app and the tests does not.
#
# English (en): every msgid of the project; most apps write Chinese msgids, so their English lives
# in locale/en, or in <app>/locale/en for apps that have their own locale directory.
# Simplified Chinese (zh_Hans): only the apps that write English msgids (accounts, assets, catalog).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="$PWD/.venv/bin/python"
IGNORE=(-i .venv -i node_modules -i var -i staticfiles -i bench -i '*/tests/*' -i tests)
COMMON=(--no-obsolete --add-location=file)

"$PY" manage.py makemessages -l en "${COMMON[@]}" "${IGNORE[@]}"
"$PY" manage.py makemessages -d djangojs -l en "${COMMON[@]}" "${IGNORE[@]}"
# Run from the root like the others (the app directories put their own msgids in <app>/locale);
# the root zh_Hans catalogue it also writes would only repeat Chinese msgids, so it is dropped.
"$PY" manage.py makemessages -l zh_Hans "${COMMON[@]}" "${IGNORE[@]}"
rm -r locale/zh_Hans
"$PY" manage.py compilemessages -i .venv -i node_modules -i var

# Untranslated or fuzzy English entries would show Chinese to English readers.
"$PY" - <<'PY'
from pathlib import Path

from urbangrid.pofiles import untranslated

missing = [f"{path}: {msgid!r}" for path in sorted(Path(".").glob("**/locale/en/LC_MESSAGES/*.po"))
           if ".venv" not in path.parts for msgid in untranslated(path)]
print("\n".join(missing) or "every English msgid is translated")
PY
