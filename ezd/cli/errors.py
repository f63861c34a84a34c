"""The CLI's one error mapping: any error a person can fix becomes ONE Polish line on stderr and
exit status 2 -- an :class:`~ezd.records.errors.EzdError` (every error family derives from it),
a missing or unreadable file, and bad command-line input (a value of the wrong type or out of
range, an unknown option or command, a missing argument).

A service's line is said as the catalogue's Polish message (:mod:`ezd.i18n.errors`, the same
text a page shows); a line the catalogue does not know yet is printed as it is (a fact beats a
general message at a terminal, and the catalogue test lists it as missing).

Typer 0.29 ships its own copy of click (``typer._click``), whose usage errors are not
``click.ClickException``; the classes are matched by name so both copies are understood.
"""

from __future__ import annotations

from typing import Any

import click
import typer

from ezd.i18n.catalogue import translator
from ezd.i18n.errors import known
from ezd.records.errors import EzdError

# a usage error of either click copy: typer's (0.29+) or the standalone package (older typer)
USAGE_ERRORS: tuple[type[Exception], ...] = (click.exceptions.ClickException, typer.TyperException)
PREFIX = "ezd: błąd: "


def user_error_line(exc: BaseException) -> str | None:
    """The one line for ``exc``, or None when it is not the user's to fix (a bug: traceback)."""
    if isinstance(exc, EzdError):
        line = _first_line(str(exc))
        return PREFIX + ((known(line, translator("pl")) or line) if line else type(exc).__name__)
    if isinstance(exc, FileNotFoundError):
        return PREFIX + f"nie ma takiego pliku: {exc.filename or _first_line(str(exc))}"
    if isinstance(exc, IsADirectoryError):
        return PREFIX + f"to katalog, a nie plik: {exc.filename}"
    if isinstance(exc, PermissionError):
        return PREFIX + f"brak uprawnień do pliku: {exc.filename or _first_line(str(exc))}"
    if isinstance(exc, USAGE_ERRORS):
        return PREFIX + usage_message(exc) + _help_hint(exc)
    return None


def usage_message(exc: BaseException) -> str:
    """Polish text for a click/typer usage error (the library's own texts are English)."""
    kinds = {cls.__name__ for cls in type(exc).__mro__}
    param = getattr(exc, "param", None)
    if "NoSuchOption" in kinds:
        return f"nieznana opcja {getattr(exc, 'option_name', '')}".rstrip()
    if "MissingParameter" in kinds:
        if _is_option(param):  # _hint names it: "opcji --received"
            return f"brak wymaganej {_hint(param)}".rstrip()
        return f"brak wymaganego argumentu {_hint(param)}".rstrip()
    if "BadParameter" in kinds:
        return f"niepoprawna wartość {_hint(param)}: {_reason(exc)}".replace("  ", " ")
    if "BadOptionUsage" in kinds:
        message = str(getattr(exc, "message", ""))
        option = getattr(exc, "option_name", "") or ""
        if "requires an argument" in message:
            return f"opcja {option} wymaga wartości"
        return f"niepoprawne użycie opcji {option}".rstrip()
    message = str(getattr(exc, "message", "") or exc)
    if message.startswith("No such command"):
        name = message.partition("No such command")[2].strip(" .'\"")
        return f"nieznane polecenie {name!r}"
    if message.startswith("Got unexpected extra argument"):
        return "nadmiarowe argumenty: " + message.partition("(")[2].rstrip(")")
    return "niepoprawne wywołanie polecenia"


def _reason(exc: BaseException) -> str:
    """Why the value was refused: from pydantic's error (typer 0.29 coerces with pydantic)."""
    cause = exc.__cause__
    errors = getattr(cause, "errors", None)
    if callable(errors):
        details: list[dict[str, Any]] = list(errors())
        if details:
            return _pydantic_reason(details[0])
    text = str(getattr(exc, "message", "") or "")
    if "does not exist" in text:
        return "nie istnieje"
    if "is a directory" in text:
        return "to katalog, a nie plik"
    return "nie do przyjęcia"


def _pydantic_reason(detail: dict[str, Any]) -> str:
    kind = str(detail.get("type", ""))
    ctx: dict[str, Any] = dict(detail.get("ctx") or {})
    reasons = {
        "int_parsing": "to nie jest liczba całkowita",
        "int_from_float": "to nie jest liczba całkowita",
        "float_parsing": "to nie jest liczba",
        "bool_parsing": "oczekiwano tak/nie (true/false)",
        "date_parsing": "oczekiwano daty rrrr-mm-dd",
        "date_from_datetime_parsing": "oczekiwano daty rrrr-mm-dd",
        "datetime_parsing": "oczekiwano daty i godziny",
        "greater_than_equal": f"musi być co najmniej {ctx.get('ge')}",
        "greater_than": f"musi być większa niż {ctx.get('gt')}",
        "less_than_equal": f"może być co najwyżej {ctx.get('le')}",
        "less_than": f"musi być mniejsza niż {ctx.get('lt')}",
        "enum": f"dozwolone: {ctx.get('expected')}",
        "literal_error": f"dozwolone: {ctx.get('expected')}",
        "string_too_short": f"za krótka (co najmniej {ctx.get('min_length')} znaków)",
        "string_too_long": f"za długa (co najwyżej {ctx.get('max_length')} znaków)",
    }
    return reasons.get(kind, "nie do przyjęcia")


def _is_option(param: object) -> bool:
    return bool(getattr(param, "opts", None)) and str(getattr(param, "opts", [""])[0]).startswith("-")


def _hint(param: object) -> str:
    if param is None:
        return ""
    opts = [str(o) for o in getattr(param, "opts", []) or []]
    if opts and opts[0].startswith("-"):
        return "opcji " + "/".join(opts)
    return str(getattr(param, "name", "") or "").upper()


def _help_hint(exc: BaseException) -> str:
    ctx = getattr(exc, "ctx", None)
    path = getattr(ctx, "command_path", None)
    return f" (zob. {path} --help)" if path else ""


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0][:300] if text.strip() else ""
