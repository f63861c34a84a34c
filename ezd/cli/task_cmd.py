"""``ezd task list|show|complete``: user tasks with a generated form (added in Camunda Modeler)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from ezd.cli.common import as_plain, console, make_app, print_json, resolve_actor
from ezd.cli.office_cmd import Json

task_app = typer.Typer(help="Zadania z formularzem (generic user tasks).", no_args_is_help=True)
AsUser = Annotated[str, typer.Option("--as", help="The person doing the task")]


@task_app.command("list")
def task_list(as_login: AsUser, as_json: Json = False) -> None:
    """Open tasks with a generated form for this person (own, their groups', substituted)."""
    from ezd.services.generic_tasks import list_generic_tasks

    app = make_app()
    with app.uow() as uow:
        tasks = list_generic_tasks(app.deps(uow.session), resolve_actor(app, as_login))
    if as_json:
        print_json(as_plain(tasks))
        return
    table = Table(title=f"Zadania — {as_login}")
    for col in ("id", "zadanie", "urząd", "dotyczy", "pola"):
        table.add_column(col)
    for t in tasks:
        table.add_row(t.id, t.name, t.tenant, t.subject, ", ".join(f.label for f in t.fields))
    console.print(table)


@task_app.command("show")
def task_show(task_id: Annotated[str, typer.Argument()], as_login: AsUser, as_json: Json = False) -> None:
    """The task's form: fields, types, rules and choices."""
    from ezd.services.generic_tasks import show_generic_task

    app = make_app()
    with app.uow() as uow:
        task = show_generic_task(app.deps(uow.session), resolve_actor(app, as_login), task_id)
    if as_json:
        print_json(as_plain(task))
        return
    console.print(f"{task.name} ({task.tenant}, {task.subject})")
    for f in task.fields:
        rules = [r for r, on in (("wymagane", f.required), ("tylko do odczytu", f.readonly)) if on]
        choices = f" [{', '.join(v for v, _ in f.options)}]" if f.options else ""
        console.print(f"  {f.id}: {f.label} ({f.type}{choices}){' — ' + ', '.join(rules) if rules else ''}")


@task_app.command("complete")
def task_complete(
    task_id: Annotated[str, typer.Argument()],
    as_login: AsUser,
    values: Annotated[list[str], typer.Option("--set", help="FIELD=VALUE, repeatable")] = [],  # noqa: B006
) -> None:
    """Complete a task with its form's values (validated; recorded in the metryka)."""
    from ezd.records.errors import InvalidInput
    from ezd.services.generic_tasks import complete_generic_task

    given: dict[str, str] = {}
    for pair in values:
        name, sep, value = pair.partition("=")
        if not sep:
            raise InvalidInput(f"--set {pair!r}: podaj POLE=WARTOŚĆ")
        given[name.strip()] = value
    app = make_app()
    with app.uow() as uow:
        task = complete_generic_task(app.deps(uow.session), resolve_actor(app, as_login), task_id, given)
        uow.commit()
    if app.settings.is_embedded:
        from ezd.workers.inprocess import run_pending

        run_pending(app)
    console.print(f"Wykonano zadanie „{task.name}” ({task.subject})")
