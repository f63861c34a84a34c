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

from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.support import NullTranslations, Translations
from fastapi import Request

LANG_COOKIE = "ezd_lang"
LANGS = ("pl", "en")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
WARSAW = ZoneInfo("Europe/Warsaw")


def language(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, "pl")
    return lang if lang in LANGS else "pl"


@lru_cache(maxsize=len(LANGS))
def catalogue(lang: str) -> NullTranslations:
    found = Translations.load(str(LOCALE_DIR), [lang], domain="messages")
    if not isinstance(found, Translations):
        # a checkout without compiled catalogues must not look translated: fail loudly
        raise RuntimeError(f"no compiled message catalogue for {lang!r} in {LOCALE_DIR}")
    return found


def translator(lang: str) -> Callable[..., str]:
    """``t("Sprawa %(sign)s", sign=...)``: the message in ``lang``, with its parameters."""
    cat = catalogue(lang)

    def t(text: str, /, **params: object) -> str:
        out = cat.gettext(text)
        return out % params if params else out

    return t


def plural_translator(lang: str) -> Callable[..., str]:
    """``tn("%(n)d sprawa", "%(n)d spraw", n)``: the catalogue picks the language's plural form."""
    cat = catalogue(lang)

    def tn(singular: str, plural: str, n: int, /, **params: object) -> str:
        return cat.ngettext(singular, plural, n) % {"n": n, **params}

    return tn


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
