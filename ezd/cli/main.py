"""``ezd`` -- the command line of the EZD system.

User errors print one line on stderr and exit with status 2; no tracebacks.
"""

from __future__ import annotations

import sys
from typing import Annotated

import click
import typer

from ezd.cli import (
    archive_cmd,
    audit_cmd,
    backup_cmd,
    bpmn_cmd,
    cases_cmd,
    deadline_cmd,
    demo_cmd,
    engine_cmd,
    fixity_cmd,
    inbox_cmd,
    init_cmd,
    intake_cmd,
    jrwa_cmd,
    mailbox_cmd,
    office_cmd,
    print_cmd,
    seal_cmd,
    serve_cmd,
    system_cmd,
    task_cmd,
    terms_cmd,
    user_cmd,
    worker_cmd,
)
from ezd.cli.errors import user_error_line

app = typer.Typer(
    name="ezd",
    help="ezd: electronic records management (EZD) for Polish public administration.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("demo")(demo_cmd.demo)
app.command("init")(init_cmd.init)
app.add_typer(office_cmd.office_app, name="office")
app.add_typer(office_cmd.unit_app, name="unit")
app.add_typer(user_cmd.user_app, name="user")
app.add_typer(seal_cmd.seal_app, name="seal")
app.add_typer(mailbox_cmd.mailbox_app, name="mailbox")
app.add_typer(task_cmd.task_app, name="task")
app.add_typer(bpmn_cmd.bpmn_app, name="bpmn")
app.command("register")(intake_cmd.register)
app.command("deadline")(deadline_cmd.deadline)
app.command("inbox")(inbox_cmd.inbox)
app.add_typer(inbox_cmd.notify_app, name="notify")
intake_cmd.rpw_app.command("print")(print_cmd.rpw_print)
app.add_typer(intake_cmd.rpw_app, name="rpw")
cases_cmd.case_app.command("suspend")(terms_cmd.suspend)
cases_cmd.case_app.command("resume")(terms_cmd.resume)
cases_cmd.case_app.command("extend")(terms_cmd.extend)
cases_cmd.case_app.command("spis")(print_cmd.case_spis)
app.add_typer(cases_cmd.case_app, name="case")
app.add_typer(audit_cmd.audit_app, name="audit")
app.add_typer(jrwa_cmd.jrwa_app, name="jrwa")
app.add_typer(archive_cmd.archive_app, name="archive")
app.add_typer(fixity_cmd.fixity_app, name="fixity")
app.add_typer(backup_cmd.backup_app, name="backup")
app.add_typer(system_cmd.db_app, name="db")
app.command("work")(system_cmd.work)
app.command("serve")(serve_cmd.serve)
app.add_typer(worker_cmd.worker_app, name="worker")
app.add_typer(engine_cmd.engine_app, name="engine")


def _mount_signatures() -> None:
    from ezd.signatures.cli import sign, verify

    app.command("verify")(verify)
    app.command("sign")(sign)


_mount_signatures()


def run(argv: Annotated[list[str] | None, typer.Argument()] = None) -> None:
    """The ``ezd`` entry point: the one place where errors become a line on stderr (exit 2)."""
    try:
        rc = app(args=argv, standalone_mode=False)
    except (typer.Exit, click.exceptions.Exit) as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, click.exceptions.Abort):
        sys.exit(130)
    except Exception as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # a command group without a command: its help
            ctx = getattr(exc, "ctx", None)
            sys.stderr.write((ctx.get_help() if ctx is not None else "") + "\n")
            sys.exit(2)
        line = user_error_line(exc)
        if line is None:
            raise  # a bug, not the user's input: the traceback is for the log
        sys.stderr.write(line + "\n")
        sys.exit(2)
    sys.exit(rc if isinstance(rc, int) else 0)


if __name__ == "__main__":
    run()

__all__ = ["app", "run"]
