"""The office administrator's other pages: the JRWA, the e-seal, the processes, the admin log;
and the system administrator's offices.

The services are the command line's (``ezd jrwa show``, ``ezd seal``, ``ezd bpmn list``,
``ezd init``); each checks who is asking.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from ezd.jrwa_io import MAX_JRWA_BYTES, parse_jrwa_bytes
from ezd.records.errors import InvalidInput, PermissionDenied
from ezd.records.tenancy import OFFICE_KINDS
from ezd.services import admin, admin_log, jrwa_edit, jrwa_view, office_founding, office_setup, seals
from ezd.services.processes import list_versions
from ezd.web.dependencies import Me, Principal, UoW, core
from ezd.web.forms import read_upload
from ezd.web.i18n import language, local_time, translator
from ezd.web.labels import label
from ezd.web.ui.admin_pages import admin_office, here
from ezd.web.ui.common import back
from ezd.web.ui.directory import Directory
from ezd.web.ui.form_state import USER_ERRORS, FormState, failed, status_of, typed_values
from ezd.web.ui.render import render

router = APIRouter()
MAX_P12_BYTES = 100_000

# ---------------------------------------------------------------------------------------- JRWA


def _jrwa_page(
    request: Request, me: Principal, uow: UoW, form: FormState | None = None, status: int = 200
) -> Response:
    tenant = admin_office(me, request)
    office_setup.office_for(uow.session, me.actor, tenant)  # the JRWA page is the administrator's
    classes = jrwa_view.show_jrwa(uow.session, me.actor, office=tenant)
    return render(
        request, "admin_jrwa.html", status=status, form=form, tenant=tenant, classes=classes, section="jrwa"
    )


@router.get("/admin/jrwa")
def jrwa_page(request: Request, me: Me, uow: UoW) -> Response:
    return _jrwa_page(request, me, uow)


@router.post("/admin/jrwa")
async def import_jrwa(request: Request, me: Me, uow: UoW, file: Annotated[UploadFile, File()]) -> Response:
    tenant = admin_office(me, request)
    try:
        data, _name, _type = await read_upload(file, MAX_JRWA_BYTES)
        admin.import_jrwa(uow.session, me.actor, tenant=tenant, entries=parse_jrwa_bytes(data))
    except USER_ERRORS as exc:
        if status_of(exc) == 403:
            raise
        return _jrwa_page(request, me, uow, failed(request, exc, {}), status_of(exc))
    return back(here("/admin/jrwa", tenant))


@router.post("/admin/jrwa/dodaj")
async def add_class(request: Request, me: Me, uow: UoW) -> Response:
    tenant = admin_office(me, request)
    values = typed_values(await request.form())
    try:
        jrwa_edit.add_class(
            uow.session,
            me.actor,
            office=tenant,
            symbol=values.get("symbol", ""),
            title=values.get("title", ""),
            category=values.get("category", ""),
        )
    except USER_ERRORS as exc:
        if status_of(exc) == 403:
            raise
        return _jrwa_page(request, me, uow, failed(request, exc, values), status_of(exc))
    return back(here("/admin/jrwa", tenant))


def _class_page(
    request: Request, me: Principal, uow: UoW, symbol: str, form: FormState | None = None, status: int = 200
) -> Response:
    tenant = admin_office(me, request)
    office_setup.office_for(uow.session, me.actor, tenant)
    found = jrwa_view.show_jrwa(uow.session, me.actor, office=tenant, symbol=symbol)
    return render(
        request,
        "admin_jrwa_class.html",
        status=status,
        form=form,
        tenant=tenant,
        cls=found[0],
        below=found[1:],
        section="jrwa",
    )


@router.get("/admin/jrwa/klasa/{symbol}")
def class_page(request: Request, me: Me, uow: UoW, symbol: str) -> Response:
    return _class_page(request, me, uow, symbol)


@router.post("/admin/jrwa/klasa/{symbol}")
async def edit_class(request: Request, me: Me, uow: UoW, symbol: str) -> Response:
    tenant = admin_office(me, request)
    values = typed_values(await request.form())
    try:
        jrwa_edit.edit_class(
            uow.session,
            me.actor,
            office=tenant,
            symbol=symbol,
            title=values.get("title", ""),
            category=values.get("category", ""),
        )
    except USER_ERRORS as exc:
        if status_of(exc) == 403:
            raise
        return _class_page(request, me, uow, symbol, failed(request, exc, values), status_of(exc))
    return back(here(f"/admin/jrwa/klasa/{symbol}", tenant))


# -------------------------------------------------------------------------------------- e-seal


def _seal_page(
    request: Request, me: Principal, uow: UoW, form: FormState | None = None, status: int = 200
) -> Response:
    tenant = admin_office(me, request)
    office_setup.office_for(uow.session, me.actor, tenant)
    try:
        seal: seals.SealInfo | None = seals.show_seal(uow.session, me.actor, office=tenant)
    except USER_ERRORS:
        seal = None
    return render(
        request, "admin_seal.html", status=status, form=form, tenant=tenant, seal=seal, section="seal"
    )


@router.get("/admin/pieczec")
def seal_page(request: Request, me: Me, uow: UoW) -> Response:
    return _seal_page(request, me, uow)


@router.post("/admin/pieczec")
async def import_seal(
    request: Request,
    me: Me,
    uow: UoW,
    file: Annotated[UploadFile, File()],
    password: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    tenant = admin_office(me, request)
    try:
        data, _name, _type = await read_upload(file, MAX_P12_BYTES)
        seals.import_p12(
            uow.session, core(request).settings, me.actor, office=tenant, data=data, password=password
        )
    except USER_ERRORS as exc:
        if status_of(exc) == 403:
            raise
        return _seal_page(request, me, uow, failed(request, exc, {}), status_of(exc))
    return back(here("/admin/pieczec", tenant))


# ----------------------------------------------------------------------------------- processes


@router.get("/admin/procesy")
def processes_page(request: Request, me: Me, uow: UoW) -> Response:
    tenant = admin_office(me, request)
    office_setup.office_for(uow.session, me.actor, tenant)
    app = core(request)  # the request's own transaction: SQLite has one writer
    versions = list_versions(uow.session, app.engine(uow.session), engine_id=app.engine_id)
    return render(request, "admin_processes.html", tenant=tenant, versions=versions, section="processes")


# ----------------------------------------------------------------------------------- admin log


def _detail(t: Any, names: Directory, key: str, value: object) -> str:
    """One detail as a person reads it: roles, offices and kinds by name, dates in Warsaw."""
    if isinstance(value, dict):
        return "; ".join(f"{t(label('detail', k))}: {_detail(t, names, k, v)}" for k, v in value.items())
    if value is None or value == "":
        return "—"
    text = str(value)
    if key == "role":
        return str(t(label("role", text)))
    if key == "code":
        return names.office(text)
    if key == "kind":
        return OFFICE_KINDS.get(text, text)
    if len(text) >= 10 and text[4:5] == "-" and text[7:8] == "-" and text[:4].isdigit():
        return local_time(text)
    return text


def _filter_day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("dates must be YYYY-MM-DD") from None


@router.get("/admin/dziennik")
def log_page(request: Request, me: Me, uow: UoW) -> Response:
    tenant = admin_office(me, request)
    q = request.query_params
    page_no = int(q["strona"]) if q.get("strona", "").isdigit() else 1
    result = admin_log.admin_log(
        uow.session,
        me.actor,
        office=tenant,
        who=q.get("kto") or None,
        action=q.get("czynnosc") or None,
        since=_filter_day(q.get("od")),
        until=_filter_day(q.get("do")),
        page=max(1, page_no),
    )
    t = translator(language(request))
    names = Directory(uow.session, t)
    shown = [
        (e, [(t(label("detail", k)), _detail(t, names, k, v)) for k, v in e.details.items()])
        for e in result.entries
    ]
    kept = {k: q[k] for k in ("t", "kto", "czynnosc", "od", "do") if q.get(k)}
    kept.setdefault("t", tenant)
    return render(
        request,
        "admin_log.html",
        tenant=tenant,
        log=result,
        shown=shown,
        query=kept,
        page_link=lambda n: "/admin/dziennik?" + urlencode({**kept, "strona": n}),
        section="log",
    )


# ------------------------------------------------------------------------------------- offices


def _offices_page(
    request: Request, me: Principal, uow: UoW, form: FormState | None = None, status: int = 200
) -> Response:
    if not me.actor.system_admin:
        raise PermissionDenied("urzędy zakłada tylko administrator systemu")
    offices = office_setup.list_offices(uow.session, me.actor)
    kinds = [(k, v) for k, v in OFFICE_KINDS.items() if k != "gmina"]
    return render(request, "admin_offices.html", status=status, form=form, offices=offices, kinds=kinds)


@router.get("/admin/urzedy")
def offices_page(request: Request, me: Me, uow: UoW) -> Response:
    return _offices_page(request, me, uow)


@router.post("/admin/urzedy")
async def found_office(request: Request, me: Me, uow: UoW) -> Response:
    form = await request.form()
    values = typed_values(form)
    v = values.get
    try:
        office_founding.found_office(
            uow.session,
            me.actor,
            office_founding.NewOffice(
                v("code", "").strip(),
                v("name", ""),
                v("kind", ""),
                v("regon") or None,
                v("epuap_box") or None,
                v("address") or None,
            ),
            [(v("unit_code", "").strip(), v("unit_name", ""))],
            office_founding.FirstAdmin(
                v("login", "").strip(),
                v("full_name", ""),
                v("email") or None,
                str(form.get("password") or ""),
            ),
        )
    except USER_ERRORS as exc:
        if status_of(exc) == 403:
            raise
        return _offices_page(request, me, uow, failed(request, exc, values), status_of(exc))
    return back("/admin/urzedy")
