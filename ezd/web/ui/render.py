"""Rendering pages: the template environment, the navigation by role, error pages."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from ezd.records.tenancy import Role
from ezd.services import notifications
from ezd.web.i18n import file_size, language, local_day, local_time, plural_translator, translator
from ezd.web.labels import N_, label
from ezd.web.security import PRE_COOKIE, pre_csrf
from ezd.web.ui.directory import Directory
from ezd.web.ui.form_state import KEPT_COOKIE, FormState, restored
from ezd.web.ui.letters import explain_step

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))

# (path, label, roles that see it; empty = everyone signed in)
NAV: tuple[tuple[str, str, tuple[Role, ...]], ...] = (
    ("/zadania", "Moje zadania", ()),
    ("/kancelaria/rejestracja", "Rejestracja pisma", (Role.KANCELARIA,)),
    ("/rpw", "Rejestr przesyłek wpływających", (Role.KANCELARIA, Role.SEKRETARZ, Role.KIEROWNIK)),
    ("/wychodzace", "Rejestr przesyłek wychodzących", (Role.KANCELARIA, Role.SEKRETARZ)),
    ("/sprawy", "Sprawy", (Role.REFERENT, Role.KIEROWNIK, Role.SEKRETARZ, Role.KANCELARIA)),
    ("/akceptacje", "Akceptacje", (Role.KIEROWNIK, Role.SEKRETARZ)),
    (
        "/wystapienia",
        "Wystąpienia do organów",
        (Role.REFERENT, Role.KIEROWNIK, Role.SEKRETARZ, Role.KANCELARIA),
    ),
    ("/wydzial", "Wydział", (Role.KIEROWNIK, Role.SEKRETARZ)),
    ("/pulpit", "Pulpit", (Role.KIEROWNIK, Role.SEKRETARZ)),
    ("/archiwum", "Archiwum", (Role.ARCHIWISTA,)),
    ("/admin", "Administracja", (Role.ADMIN,)),
    ("/admin/incydenty", "Incydenty", (Role.ADMIN,)),
)


def nav_for(request: Request) -> list[tuple[str, str]]:
    principal = getattr(request.state, "principal", None)
    if principal is None:
        return []
    roles = {g.role for g, _ in principal.actor.grants}
    items = [(path, label) for path, label, wanted in NAV if not wanted or roles.intersection(wanted)]
    if principal.actor.system_admin:  # EZD_SYSTEM_ADMINS: founding offices
        items.append(("/admin/urzedy", N_("Urzędy")))
    return items


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    lang = language(request)
    t = translator(lang)
    principal = getattr(request.state, "principal", None)
    uow = getattr(request.state, "uow", None)
    names = Directory(uow.session if uow is not None else None, t)
    kept = restored(request)
    form = context.pop("form", None) or kept or FormState()
    ctx = {
        "request": request,
        "t": t,
        "tn": plural_translator(lang),
        "lang": lang,
        "me": principal,
        "csrf": principal.csrf if principal else "",
        "nav": nav_for(request),
        "path": request.url.path,
        # codes never reach the page: every label is a catalogue message in the page's language
        "label": lambda table, code: t(label(table, code)) if code else "—",
        "state_label": lambda s: t(label("case_state", s)),
        "when": local_time,
        "day": local_day,
        "size": lambda n: file_size(n, lang),
        "explain": lambda message, topic: explain_step(message, topic, t),
        "person": names.person,
        "office": names.office,
        "unit_name": names.unit,
        "form": form,
        # the header shows how many inbox messages are unread (every page, so a new task is seen)
        "unread": notifications.unread_count(uow.session, principal.actor)
        if principal is not None and uow is not None
        else 0,
        **context,
    }
    response = TEMPLATES.TemplateResponse(request, name, ctx, status_code=status)
    if kept is not None:
        response.delete_cookie(KEPT_COOKIE, path="/")  # typed values come back once
    return response


def render_anonymous_form(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page with a form used before sign-in: double-submit CSRF bound to a random cookie."""
    nonce = request.cookies.get(PRE_COOKIE) or secrets.token_urlsafe(16)
    response = render(request, name, status, pre_csrf=pre_csrf(request.app.state.secret, nonce), **context)
    response.set_cookie(PRE_COOKIE, nonce, httponly=True, samesite="strict", path="/")
    return response


def render_error(request: Request, status: int, message: str) -> HTMLResponse:
    titles = {
        403: N_("Brak uprawnień"),
        404: N_("Nie znaleziono"),
        405: N_("Niedozwolona czynność"),
        409: N_("Nie można tego teraz zrobić"),
        429: N_("Zbyt wiele prób"),
    }
    return render(
        request,
        "error.html",
        status=status,
        title=titles.get(status, N_("Błąd")),
        message=message,
        status_code=status,
    )
