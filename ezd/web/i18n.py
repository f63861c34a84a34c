"""Polish by default, English switchable (cookie ``ezd_lang``); one gettext catalogue.

Messages are written in Polish in the templates and the code (``t("Sprawy")``); the catalogue in
``ezd/web/locale`` holds, per language, the compiled ``messages.mo`` (shipped in the wheel) built
from ``messages.po``.  The Polish catalogue carries the three Polish plural forms ("1 sprawa",
"4 sprawy", "5 spraw"); the English one translates every message.  ``scripts/i18n.sh`` extracts,
updates and compiles them.

Times are stored in UTC (naive datetimes in the database) and shown in Europe/Warsaw as
``dd.mm.rrrr gg:mm``; dates as ``dd.mm.rrrr``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from fastapi import Request

# the catalogue itself is shared with the API's error bodies and the CLI (re-exported for pages)
from ezd.i18n.catalogue import LANGS as LANGS
from ezd.i18n.catalogue import LOCALE_DIR as LOCALE_DIR
from ezd.i18n.catalogue import catalogue as catalogue
from ezd.i18n.catalogue import plural_translator as plural_translator
from ezd.i18n.catalogue import translator as translator

LANG_COOKIE = "ezd_lang"
WARSAW = ZoneInfo("Europe/Warsaw")


def language(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, "pl")
    return lang if lang in LANGS else "pl"


def api_language(request: Request) -> str:
    """The API's language: Polish unless ``Accept-Language`` puts English first (a client sends no
    cookie; the header's first tag decides, weights aside, so ``en-GB,pl;q=0.5`` is English)."""
    first = request.headers.get("accept-language", "").split(",")[0].split(";")[0].strip().lower()
    return "en" if first == "en" or first.startswith("en-") else "pl"


def local_time(value: datetime | date | str | None) -> str:
    """``dd.mm.rrrr gg:mm`` in Europe/Warsaw for a time (naive = UTC); ``dd.mm.rrrr`` for a date."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        text = value
        try:
            value = datetime.fromisoformat(text) if "T" in text or " " in text else date.fromisoformat(text)
        except ValueError:
            return text
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(WARSAW).strftime("%d.%m.%Y %H:%M")
    return value.strftime("%d.%m.%Y")


def local_day(value: datetime | date | str | None) -> str:
    """Only the Warsaw calendar day of a time, or a date as it is: ``dd.mm.rrrr``."""
    shown = local_time(value)
    return shown.split(" ", 1)[0]


def file_size(n: int | None, lang: str = "pl") -> str:
    """``12,3 kB`` (Polish decimal comma) or ``12.3 kB``."""
    if n is None:
        return "—"
    text = f"{n} B"
    for unit, scale in (("MB", 1024 * 1024), ("kB", 1024)):
        if n >= scale:
            text = f"{n / scale:.1f} {unit}"
            break
    return text.replace(".", ",") if lang == "pl" else text
