"""Errors keep the form: what was typed, and each error next to its field.

A page form that fails (a service refuses it) is shown again, with status 400/409, from the same
page: :func:`failed` rolls back the request's work, and the page is rendered with a
:class:`FormState` holding the typed values and the Polish message under the field it concerns
(``aria-invalid`` and ``aria-describedby`` tie them together for screen readers).

Typed values also survive an expired session: the sign-in-again page carries them, and after
the password they come back to the form's page in a short-lived signed cookie (never in the URL,
which lands in logs).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from fastapi import Request, Response
from markupsafe import Markup, escape
from starlette.datastructures import FormData, UploadFile

from ezd.i18n import errors as error_text
from ezd.records.errors import EzdError
from ezd.records.jrwa import JrwaError
from ezd.web.i18n import language, translator
from ezd.web.security import read_payload, sign_payload
from ezd.workflow.port import TaskNotFound
from ezd.xmlsafe import XMLRejected

KEPT_COOKIE = "ezd_form"
KEPT_TTL_S = 600
KEPT_PURPOSE = "kept-form"
_NOT_KEPT = {"csrf_token", "password"}
MAX_KEPT_CHARS = 3000  # a cookie holds about 4 kB

# the field each message concerns (the Polish catalogue message identifies the error)
FIELD_OF = {
    "Napisz, co poprawić, zwracając projekt.": "comment",
    "Wybierz klasę JRWA nowej sprawy albo sprawę, do której dołączyć pismo.": "jrwa",
    "Klasa JRWA %(s)s ma podklasy; sprawy zakłada się w klasach końcowych, np. %(e)s.": "jrwa",
    "Klasa JRWA %(s)s ma podklasy; sprawy zakłada się w klasach końcowych.": "jrwa",
    "Nie ma klasy JRWA %(s)s.": "jrwa",
    "W tym urzędzie nie ma sprawy %(s)s.": "attach_to",
    "%(s)s nie jest znakiem sprawy (np. OR.0012.7.2026).": "attach_to",
    "Sprawa %(s)s jest zarchiwizowana — nie można dodać do niej dokumentów.": "attach_to",
    "Podaj nadawcę pisma.": "sender",
    "Podaj tytuł pisma.": "title",
    "Tytuł może mieć najwyżej %(n)s znaków.": "title",
    "Data pisma musi być datą (dd.mm.rrrr).": "letter_date",
    "Data pisma jest późniejsza niż data wpływu.": "letter_date",
    "Liczba załączników nie może być ujemna.": "attachments",
    "Plik jest pusty.": "file",
    "Plik jest większy niż dopuszczalne %(n)s bajtów.": "file",
    "Plik XML nie jest formularzem ePUAP — wypełnij metadane pisma.": "sender",
    "Pismo, które nie jest formularzem ePUAP, wymaga metadanych: nadawcy, tytułu i dat.": "sender",
    "Plik XML jest uszkodzony lub niepoprawny.": "file",
    (
        "Odpowiedź musi być plikiem PDF albo XML — tylko takie urząd opieczętowuje "
        "e-pieczęcią. Zapisz pismo jako PDF i dodaj je ponownie."
    ): "file",
    "Nie można opieczętować odpowiedzi PDF (plik uszkodzony lub zaszyfrowany): %(x)s": "file",
    "W tym urzędzie nie ma komórki %(u)s.": "unit",
    "Wybierz komórkę.": "unit",
    "Wybierz referenta.": "referent",
    "Podaj, komu udostępniasz akta.": "borrower",
    "Termin zwrotu musi być datą (dd.mm.rrrr).": "due_on",
    "Termin zwrotu %(d)s już minął.": "due_on",
    "Akta sprawy %(s)s są już wypożyczone.": "case",
    "Podaj numer potwierdzenia doręczenia (UPD/UPO albo numer zwrotki).": "receipt_ref",
    "Login to od 1 do 64 liter, cyfr albo znaków „.”, „-”, „_”.": "login",
    "Użytkownik %(x)s już istnieje.": "login",
    "Hasło musi mieć co najmniej 10 znaków.": "password",
    "Podaj imię i nazwisko.": "full_name",
    "Komórka %(x)s już istnieje.": "code",
    "Kod komórki %(x)s jest niepoprawny: wielkie litery i cyfry, np. OR albo OR-A.": "code",
    # the web administration (messages of ezd.i18n.errors_pl)
    "%(x)s nie jest adresem e-mail.": "email",
    "Login to 1–64 liter, cyfr, kropek, łączników lub podkreśleń.": "login",
    "Konto %(x)s już istnieje.": "login",
    "Hasło musi mieć co najmniej %(n)s znaków.": "password",
    'Podaj imię i nazwisko (--name "Imię Nazwisko").': "full_name",
    "Podaj nazwę komórki (--name).": "name",
    "Komórka %(u)s już istnieje w urzędzie %(t)s.": "code",
    "Komórka nadrzędna %(u)s jest zamknięta.": "parent",
    "Podaj kategorię archiwalną klasy końcowej (A, B n, BE n albo Bc).": "category",
    "Kategoria archiwalna %(x)s jest niepoprawna; podaj A, B n, BE n albo Bc (np. B5, BE10).": "category",
    "Klasa %(s)s ma podklasy; kategorię archiwalną mają tylko klasy końcowe.": "category",
    "Podaj hasło klasyfikacyjne (tytuł klasy).": "title",
    "Symbol klasy %(s)s jest niepoprawny: od 1 do 4 cyfr.": "symbol",
    "Klasa %(s)s już jest w wykazie akt.": "symbol",
    (
        "W klasie %(s)s są sprawy (%(n)s); sprawy są tylko w klasach końcowych, więc nie można jej podzielić."
    ): "symbol",
    "Nie można otworzyć pliku PKCS#12: złe hasło albo brak klucza i certyfikatu.": "password",
    "Certyfikat e-pieczęci wygasł %(d)s; nie zaimportowano.": "file",
    "REGON %(x)s ma 9 albo 14 cyfr.": "regon",
    "Urząd %(t)s już istnieje.": "code",
    "Kod urzędu %(x)s jest niepoprawny.": "code",
    "Zastępstwo musi się kończyć nie wcześniej niż się zaczyna.": "end",
    "Nikt nie może zastępować samego siebie.": "substitute",
}


@dataclass
class FormState:
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # field → message; "" → the whole form
    restored: bool = False  # the values came back after signing in again

    def value(self, name: str, default: object = "") -> str:
        return self.values.get(name, "" if default is None else str(default))

    def chosen(self, name: str, option: object, default: object = None) -> Markup:
        current = self.values.get(name, None if default is None else str(default))
        return Markup(" selected") if current is not None and current == str(option) else Markup("")

    def checked(self, name: str) -> Markup:
        return Markup(" checked") if self.values.get(name) else Markup("")

    def invalid(self, name: str) -> Markup:
        if name not in self.errors:
            return Markup("")
        return Markup(f' aria-invalid="true" aria-describedby="{escape(name)}-error"')

    def message(self, name: str) -> Markup:
        if name not in self.errors:
            return Markup("")
        return Markup(f'<p class="field-error" id="{escape(name)}-error">{escape(self.errors[name])}</p>')

    @property
    def summary(self) -> str | None:
        return self.errors.get("") or (next(iter(self.errors.values())) if self.errors else None)


def typed_values(form: FormData | Mapping[str, object]) -> dict[str, str]:
    """The text fields a person typed (files, the CSRF token and passwords are never kept)."""
    kept: dict[str, str] = {}
    for name, value in form.items():
        if name in _NOT_KEPT or isinstance(value, UploadFile) or not isinstance(value, str):
            continue
        kept[name] = value[:1000]
    return kept


# what a person can correct or be told in one line (the rest is a 5xx with a reference)
USER_ERRORS: tuple[type[Exception], ...] = (EzdError, JrwaError, XMLRejected, TaskNotFound)


def status_of(exc: Exception) -> int:
    from ezd.web.errors import _status_of as table_status

    return table_status(exc) or 400


def failed(request: Request, exc: Exception, values: Mapping[str, str]) -> FormState:
    """Undo the request's work and say, in the page's language, what is wrong and where.

    The engine or the store being down (503) is nobody's to correct in the form: it goes on to
    the one mapping (ezd.web.errors), which logs the detail and answers with its generic line.
    """
    if status_of(exc) >= 500:
        raise exc
    uow = getattr(request.state, "uow", None)
    if uow is not None:
        uow.rollback()
    message = str(exc).splitlines()[0] if str(exc) else ""
    t = translator(language(request))
    found = error_text.find(message)
    target = FIELD_OF.get(found[0], "") if found else ""
    return FormState(values=dict(values), errors={target: error_text.translate(message, t)})


def refused(request: Request, msgid: str, target: str, values: Mapping[str, str]) -> FormState:
    """A form refused by the page itself (a choice left empty), before any service runs."""
    return FormState(values=dict(values), errors={target: translator(language(request))(msgid)})


def keep_for(response: Response, request: Request, page: str, values: Mapping[str, str]) -> None:
    """Carry typed values to ``page`` across a sign-in (a signed cookie, one use, ten minutes)."""
    payload = {"p": page, "v": dict(values)}
    if len(json.dumps(payload)) > MAX_KEPT_CHARS:
        payload["v"] = {k: v[:200] for k, v in list(values.items())[:15]}
    token = sign_payload(request.app.state.secret, KEPT_PURPOSE, payload, KEPT_TTL_S)
    response.set_cookie(KEPT_COOKIE, token, max_age=KEPT_TTL_S, httponly=True, samesite="strict", path="/")


def restored(request: Request) -> FormState | None:
    """The values kept for this page, if any (the caller's response forgets the cookie)."""
    token = request.cookies.get(KEPT_COOKIE)
    if not token:
        return None
    data = read_payload(request.app.state.secret, KEPT_PURPOSE, token)
    if not data or data.get("p") != request.url.path or not isinstance(data.get("v"), dict):
        return None
    values = {str(k): str(v) for k, v in data["v"].items()}
    return FormState(values=values, restored=True)
