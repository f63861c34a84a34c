"""The one gettext catalogue, Polish first and English second, for every entrypoint.

The web pages, the API and the CLI all read it (so it lives outside ``ezd.web``).  The compiled
catalogues stay in ``ezd/web/locale`` -- where ``scripts/i18n.sh`` and the wheel's package data
have always put them -- because that path is data, not an import: this module depends on no
other part of ezd.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations

LANGS = ("pl", "en")
LOCALE_DIR = Path(__file__).resolve().parents[1] / "web" / "locale"


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
