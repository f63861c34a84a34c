#!/usr/bin/env bash
# The web application's message catalogue (Babel/gettext), Polish first, English second.
#   scripts/i18n.sh          extract the messages, merge them into both .po files, compile the .mo
# Then translate the new (empty) English entries in ezd/web/locale/en/LC_MESSAGES/messages.po,
# fill the Polish plural forms in ezd/web/locale/pl/..., and run it again to compile.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BABEL="${PYBABEL:-.venv/bin/pybabel}"
LOCALE=ezd/web/locale
"$BABEL" extract -F babel.cfg -k t -k tn:1,2 -k N_ --no-location --sort-output --width 100 \
  --project ezd --copyright-holder "ezd" -o "$LOCALE/messages.pot" .
for lang in pl en; do
  if [[ -f "$LOCALE/$lang/LC_MESSAGES/messages.po" ]]; then
    "$BABEL" update -i "$LOCALE/messages.pot" -d "$LOCALE" -l "$lang" --no-fuzzy-matching --ignore-obsolete --width 100
  else
    "$BABEL" init -i "$LOCALE/messages.pot" -d "$LOCALE" -l "$lang"
  fi
done
"$BABEL" compile -d "$LOCALE" --statistics
