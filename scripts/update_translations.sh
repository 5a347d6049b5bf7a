#!/bin/sh
# Regenerates the translation sources from the window's code and compiles them.
#
#   scripts/update_translations.sh
#
# pyside6-lupdate collects every self.tr()/QCoreApplication.translate() string from
# desktop_app/ui into resources/translations/kanal_{sv,en}.ts, keeping the translations already
# there; translate new entries (pyside6-linguist, or any editor), then run this again so
# pyside6-lrelease writes the .qm files the program loads. The English file holds only the plural
# forms ("%n draft(s)"): the English text is the source itself. tests/ui/test_translations.py
# fails until both steps are done.
#
# The tools come with PySide6; they are looked up in .venv (scripts/bootstrap.sh), on PATH,
# then beside `python3`
# (PYSIDE6_LUPDATE / PYSIDE6_LRELEASE override).
set -eu
cd "$(dirname "$0")/.."

find_tool() {
    if [ -x ".venv/bin/$1" ]; then
        echo ".venv/bin/$1"
    elif command -v "$1" >/dev/null 2>&1; then
        command -v "$1"
    else
        echo "$(dirname "$(python3 -c 'import sys; print(sys.executable)')")/$1"
    fi
}

LUPDATE=${PYSIDE6_LUPDATE:-$(find_tool pyside6-lupdate)}
LRELEASE=${PYSIDE6_LRELEASE:-$(find_tool pyside6-lrelease)}
OUT=resources/translations
SOURCES=$(find desktop_app/ui -name '*.py' | LC_ALL=C sort)

# shellcheck disable=SC2086  # the file list is meant to split into arguments
"$LUPDATE" -no-obsolete -locations relative -source-language en -target-language sv \
    $SOURCES -ts "$OUT/kanal_sv.ts"
# shellcheck disable=SC2086
"$LUPDATE" -no-obsolete -locations relative -pluralonly -source-language en \
    -target-language en $SOURCES -ts "$OUT/kanal_en.ts"
for language in sv en; do
    "$LRELEASE" -removeidentical "$OUT/kanal_$language.ts" -qm "$OUT/kanal_$language.qm"
done
