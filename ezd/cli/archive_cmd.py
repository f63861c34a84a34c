"""``ezd archive ...``: the office archive (archiwum zakładowe)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from ezd.cli.common import console, err_console, make_app, print_json, resolve_actor

archive_app = typer.Typer(help="The office archive (archiwum zakładowe).", no_args_is_help=True)


@archive_app.command("transfer")
def transfer(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date (YYYY-MM-DD) to compute eligibility")
    ] = None,
    tenant: Annotated[str | None, typer.Option("--tenant", "-t")] = None,
) -> None:
    """Start the transfer of every closed case that has spent 2 full calendar years in its unit.

    Reports every case's outcome; exits 1 when the preparation of any case failed.
    """
    from ezd.archive_ops.transfer_report import outcome_of
    from ezd.records.plural import SPRAWA, count
    from ezd.services.archive import due_for_transfer, start_transfer
    from ezd.services.lookup import tenant_by_code, tenant_by_id
    from ezd.workers.inprocess import run_pending

    day = date.fromisoformat(as_of) if as_of else date.today()
    app = make_app()
    started: list[tuple[str, str]] = []
    with app.uow() as uow:
        tenant_id = tenant_by_code(uow.session, tenant).id if tenant else None
        due = due_for_transfer(uow.session, day, tenant_id)
        deps = app.deps(uow.session)
        for case in due:
            code = tenant_by_id(uow.session, case.tenant_id).code
            start_transfer(deps, tenant=code, case_sign=case.sign)
            started.append((code, case.sign))
        uow.commit()
    embedded = app.settings.is_embedded
    if embedded:
        run_pending(app)
    with app.uow() as uow:
        engine = app.deps(uow.session).engine
        outcomes = [outcome_of(engine, code, sign, workers_ran=embedded) for code, sign in started]
    for o in outcomes:
        out = err_console if o.outcome == "failed" else console
        out.print(f"{o.tenant} {o.case_sign}: {o.label}", markup=False, soft_wrap=True)
    failed = [o for o in outcomes if o.outcome == "failed"]
    handed = len(outcomes) - len(failed)
    console.print(f"przekazano do archiwum: {count(handed, SPRAWA)}; nieudane: {count(len(failed), SPRAWA)}")
    if failed:
        raise typer.Exit(1)


@archive_app.command("search")
def search_cmd(
    words: Annotated[str, typer.Argument(help="Full-text words (any Polish inflection)")] = "",
    tenant: Annotated[str | None, typer.Option("--tenant", "-t")] = None,
    unit: Annotated[str | None, typer.Option("--unit")] = None,
    jrwa: Annotated[str | None, typer.Option("--jrwa", help="JRWA class symbol")] = None,
    category: Annotated[str | None, typer.Option("--category", help="A, B5, BE10, Bc ...")] = None,
    year_from: Annotated[int | None, typer.Option("--from", help="Case year from")] = None,
    year_to: Annotated[int | None, typer.Option("--to", help="Case year to")] = None,
    sign: Annotated[str | None, typer.Option("--sign", help="Exact case sign")] = None,
    sender: Annotated[str | None, typer.Option("--sender")] = None,
    page: Annotated[int, typer.Option("--page")] = 1,
    per_page: Annotated[int, typer.Option("--per-page")] = 20,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Search the archive register: metadata filters + inflection-aware full text, ranked."""
    from rich.table import Table

    from ezd.archive_ops.search import SearchQuery, search

    q = SearchQuery(words, tenant, unit, jrwa, category, year_from, year_to, sign, sender, page, per_page)
    app = make_app()
    with app.uow() as uow:
        result = search(uow.session, q)
    if as_json:
        print_json(
            {"page": result.page, "has_more": result.has_more, "hits": [h.__dict__ for h in result.hits]}
        )
        return
    table = Table("tenant", "case sign", "title", "cat.", "year", "status", "location", "score")
    for h in result.hits:
        table.add_row(
            h.tenant,
            h.case_sign,
            h.title,
            h.category,
            str(h.year),
            h.status,
            h.location or "",
            f"{h.score:.3f}",
        )
    console.print(table)
    console.print(f"page {result.page}" + (f" (more: --page {result.page + 1})" if result.has_more else ""))


@archive_app.command("lend")
def lend_cmd(
    tenant: Annotated[str, typer.Option("--tenant", "-t")],
    sign: Annotated[str, typer.Argument(help="Case sign")],
    to: Annotated[str, typer.Option("--to", help="Who receives the records")],
    due: Annotated[str, typer.Option("--due", help="Return date YYYY-MM-DD")],
    purpose: Annotated[str, typer.Option("--purpose")] = "",
    as_login: Annotated[str | None, typer.Option("--as")] = None,
) -> None:
    """Lend (udostępnij) an archived case with a due date; the access is logged."""
    from ezd.archive_ops.lending import lend

    app = make_app()
    actor = resolve_actor(app, as_login)
    with app.uow() as uow:
        loan = lend(
            uow.session,
            actor,
            tenant=tenant,
            case_sign=sign,
            borrower=to,
            due_on=date.fromisoformat(due),
            purpose=purpose,
        )
        uow.commit()
    console.print(f"{loan.case_sign} lent to {loan.borrower}, due {loan.due_on}")


@archive_app.command("return")
def return_cmd(
    tenant: Annotated[str, typer.Option("--tenant", "-t")],
    sign: Annotated[str, typer.Argument(help="Case sign")],
    as_login: Annotated[str | None, typer.Option("--as")] = None,
) -> None:
    """Record the return of a lent case."""
    from ezd.archive_ops.lending import give_back

    app = make_app()
    actor = resolve_actor(app, as_login)
    with app.uow() as uow:
        loan = give_back(uow.session, actor, tenant=tenant, case_sign=sign)
        uow.commit()
    console.print(f"{loan.case_sign} returned by {loan.borrower}")


@archive_app.command("hold")
def hold_cmd(
    tenant: Annotated[str, typer.Option("--tenant", "-t")],
    sign: Annotated[str, typer.Argument(help="Case sign")],
    reason: Annotated[str, typer.Option("--reason")] = "",
    release: Annotated[bool, typer.Option("--release", help="Lift the legal hold")] = False,
    as_login: Annotated[str | None, typer.Option("--as")] = None,
) -> None:
    """Put a legal hold on an archived case (blocks disposal), or --release it."""
    from ezd.archive_ops.disposal import set_legal_hold

    app = make_app()
    actor = resolve_actor(app, as_login)
    with app.uow() as uow:
        set_legal_hold(
            uow.session, app.store, actor, tenant=tenant, case_sign=sign, on=not release, reason=reason
        )
        uow.commit()
    console.print(f"{sign}: legal hold {'released' if release else 'set'}")


@archive_app.command("dispose")
def dispose_cmd(
    tenant: Annotated[str, typer.Option("--tenant", "-t")],
    step: Annotated[str, typer.Argument(help="due | request | consent | execute")] = "due",
    request: Annotated[str | None, typer.Option("--request", help="Request number N/YYYY")] = None,
    consent_file: Annotated[
        Path | None, typer.Option("--consent-file", help="Scan/XML of the consent")
    ] = None,
    consent_date: Annotated[str | None, typer.Option("--consent-date")] = None,
    consent_ref: Annotated[str, typer.Option("--consent-ref", help="Sign of the archive's letter")] = "",
    exclude: Annotated[
        list[str] | None, typer.Option("--exclude", help="Case sign the archive keeps")
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of")] = None,
    as_login: Annotated[str | None, typer.Option("--as")] = None,
) -> None:
    """Brakowanie: list due B records, request consent, record it, then destroy with a protocol."""
    import mimetypes

    from ezd.archive_ops import disposal
    from ezd.records.errors import InvalidInput
    from ezd.services.lookup import tenant_by_code

    day = date.fromisoformat(as_of) if as_of else date.today()
    app = make_app()
    actor = resolve_actor(app, as_login)
    with app.uow() as uow:
        s = uow.session
        if step == "due":
            for e in disposal.due_for_disposal(s, day, tenant_by_code(s, tenant).id):
                console.print(f"{e.case_sign}\t{e.category}\tretention until {e.retention_until}\t{e.title}")
            return
        if step == "request":
            req = disposal.request_disposal(s, app.store, actor, tenant=tenant, as_of=day)
            msg = f"request {req.number}/{req.year}: {len(req.items)} case(s); document {req.request_sha256}"
        elif step == "consent":
            if not (request and consent_file and consent_date):
                raise InvalidInput("krok consent wymaga --request, --consent-file i --consent-date")
            media = mimetypes.guess_type(consent_file.name)[0] or "application/octet-stream"
            req = disposal.record_consent(
                s,
                app.store,
                actor,
                tenant=tenant,
                request=request,
                document=consent_file.read_bytes(),
                media_type=media,
                consent_date=date.fromisoformat(consent_date),
                reference=consent_ref,
                excluded=exclude or [],
            )
            msg = f"consent recorded for request {request}: {len(req.items)} case(s) to destroy"
        elif step == "execute":
            if not request:
                raise InvalidInput("krok execute wymaga --request N/RRRR")
            out = disposal.execute_disposal(s, app.store, actor, tenant=tenant, request=request, today=day)
            msg = (
                f"destroyed {len(out.destroyed)} case(s), {out.objects_deleted} object(s); "
                f"protocol {out.protocol_sha256}"
            )
        else:
            raise InvalidInput(f"nieznany krok {step!r}; dozwolone: due, request, consent, execute")
        uow.commit()
    console.print(msg)


@archive_app.command("spis")
def spis_cmd(
    tenant: Annotated[str, typer.Option("--tenant", "-t")],
    unit: Annotated[str, typer.Option("--unit", help="Unit (komórka) handing the cases over")],
    out: Annotated[Path | None, typer.Option("--out", help="Folder to write spis.xml and spis.html")] = None,
    as_login: Annotated[str | None, typer.Option("--as")] = None,
) -> None:
    """Make the spis zdawczo-odbiorczy (XML valid against the NDAP schema + printable HTML)."""
    from ezd.archive_ops.spis import create_transfer_list

    app = make_app()
    actor = resolve_actor(app, as_login)
    with app.uow() as uow:
        tl = create_transfer_list(uow.session, app.store, actor, tenant=tenant, unit=unit)
        label, xml_d, html_d = f"{tl.number}/{tl.year}", tl.xml_sha256, tl.html_sha256
        uow.commit()
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "spis.xml").write_bytes(app.store.get(xml_d))
        (out / "spis.html").write_bytes(app.store.get(html_d))
    console.print(f"spis zdawczo-odbiorczy {label}: xml {xml_d}, html {html_d}")


@archive_app.command("backfill")
def backfill_cmd(
    tenant: Annotated[str, typer.Option("--tenant", "-t")],
    as_login: Annotated[str | None, typer.Option("--as")] = None,
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Add to the register the versions and attachments of cases archived before they went in.

    New objects only (read back, locked until the end of retention, a new package version in the
    metryka); nothing stored is changed. Idempotent: a second run adds nothing.
    """
    from ezd.archive_ops.backfill import backfill
    from ezd.records.plural import OBIEKT, SPRAWA, count

    app = make_app()
    actor = resolve_actor(app, as_login)
    with app.uow() as uow:
        report = backfill(uow.session, app.store, actor, tenant=tenant)
        uow.commit()
    if json_out:
        print_json(report.model_dump())
        return
    for case in report.cases:
        console.print(f"{case.case_sign}: +{count(len(case.added), OBIEKT)}, wersja paczki {case.version}")
    console.print(
        f"sprawdzono {count(report.checked, SPRAWA)}, uzupełniono {count(len(report.cases), SPRAWA)}"
    )


@archive_app.command("export")
def export_cmd(
    tenant: Annotated[str, typer.Option("--tenant", "-t")],
    out: Annotated[Path, typer.Option("--out", help="New folder for the bag (must not exist or be empty)")],
    sign: Annotated[
        list[str] | None, typer.Option("--sign", help="Only this case (repeatable); default: all A")
    ] = None,
    year_to: Annotated[int | None, typer.Option("--to", help="Only cases of years up to this one")] = None,
    request_sign: Annotated[
        str | None, typer.Option("--request-sign", help="Sign of the transfer case (wniosek)")
    ] = None,
    tar: Annotated[bool, typer.Option("--tar", help="Also write <out>.tar of the bag")] = False,
    as_login: Annotated[str | None, typer.Option("--as")] = None,
) -> None:
    """Paczka archiwalna of category A records for the state archive, as a BagIt bag."""
    import shutil

    from ezd.archive_ops.bagit_export import validate_bag
    from ezd.archive_ops.package import export_package
    from ezd.records.errors import InvalidInput
    from ezd.records.plural import DOKUMENT, SPRAWA, count

    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InvalidInput(f"{out} istnieje i nie jest pustym folderem")
    app = make_app()
    actor = resolve_actor(app, as_login)
    with app.uow() as uow:
        try:
            result = export_package(
                uow.session,
                app.store,
                actor,
                tenant=tenant,
                out=out,
                signs=sign or [],
                year_to=year_to,
                request_sign=request_sign,
            )
            problems = validate_bag(out)
            if problems:  # never hand out a bag that does not validate
                raise InvalidInput(f"zapisana paczka nie przechodzi walidacji BagIt: {problems[0]}")
        except BaseException:
            shutil.rmtree(out, ignore_errors=True)
            raise
        uow.commit()
    msg = (
        f"paczka archiwalna {out}: {count(len(result.cases), SPRAWA)}, {count(result.documents, DOKUMENT)}; "
        "BagIt poprawny, metadane zgodne z plikami"
    )
    if tar:
        archive = shutil.make_archive(str(out), "tar", root_dir=out.parent, base_dir=out.name)
        msg += f"; {archive}"
    console.print(msg)


@archive_app.command("import")
def import_cmd(
    package: Annotated[Path, typer.Argument(help="Package folder, .tar(.gz) or .zip (bare or BagIt)")],
    tenant: Annotated[str, typer.Option("--tenant", "-t", help="Office whose archive receives it")],
    accept_invalid: Annotated[
        bool,
        typer.Option(
            "--accept-invalid",
            help="Import despite schema-invalid metadata or missing files (kept as is, reported)",
        ),
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only check and report")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    as_login: Annotated[str | None, typer.Option("--as")] = None,
) -> None:
    """Import a paczka archiwalna from another EZD: all or nothing, problems reported per file."""
    from ezd.archive_ops.importer import ImportReport, PackageRefused, import_package
    from ezd.records.plural import DOKUMENT, PLIK, SPRAWA, count

    def show(report: ImportReport) -> None:
        if as_json:
            print_json(report.to_dict())
            return
        for issue in report.issues:
            line = f"{issue.label:11} {issue.path}: {issue.problem}"
            out = err_console if issue.blocks(report.accept_invalid) else console
            out.print(line, markup=False, soft_wrap=True)

    app = make_app()
    actor = resolve_actor(app, as_login)
    with app.uow() as uow:
        try:
            report = import_package(
                uow.session,
                app.store,
                actor,
                tenant=tenant,
                source=package,
                accept_invalid=accept_invalid,
                dry_run=dry_run,
            )
        except PackageRefused as exc:
            show(exc.report)  # the per-file problems first; the CLI's error line follows (ezd.cli.errors)
            raise
        if not dry_run:
            uow.commit()
    show(report)
    verb = "do zaimportowania" if dry_run else "zaimportowano"
    if not as_json:
        console.print(
            f"{verb}: {count(len(report.cases), SPRAWA)}, {count(report.documents, DOKUMENT)}, "
            f"{count(report.metadata_files, PLIK)} metadanych ({tenant}); "
            f"sprawdzono rozmiar i skrót każdego dokumentu",
            markup=False,
        )
