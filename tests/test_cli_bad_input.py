"""Bad command-line input, for EVERY command of ``ezd``: one Polish line on stderr, exit status 2.

The commands are enumerated from the real Typer app, so a command added later is covered
without touching this file. Each case fails while the command line is parsed, before the
command runs, so the calls run in-process (``ezd.cli.main.run``); the two cases from the issue
also run as the installed ``ezd`` program.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main

from ezd.cli.errors import PREFIX
from ezd.cli.main import app, run

Command = Any  # typer's (vendored click) command object


def _leaves(command: Command, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Command]]:
    subcommands = getattr(command, "commands", None)
    if subcommands:
        for name, sub in sorted(subcommands.items()):
            yield from _leaves(sub, (*path, name))
    else:
        yield path, command


COMMANDS = dict(_leaves(typer.main.get_command(app)))


def _hints(command: Command) -> dict[str, Any]:
    fn: Callable[..., Any] = command.callback
    return typing.get_type_hints(getattr(fn, "__wrapped__", fn), include_extras=True)


def _base(annotation: Any) -> Any:
    """int for Annotated[int | None, ...], and so on."""
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    return args[0] if len(args) == 1 and typing.get_origin(annotation) is not list else annotation


def _info(annotation: Any) -> Any:
    return typing.get_args(annotation)[1] if typing.get_origin(annotation) is typing.Annotated else None


def _typed_cases() -> Iterator[Any]:
    """(argv, option) for every numeric or date option: a value of the wrong type, and one
    below its minimum where it has one."""
    for path, command in COMMANDS.items():
        hints = _hints(command)
        for param in command.params:
            opts = [o for o in param.opts if o.startswith("--")]
            if not opts or param.name not in hints:
                continue
            kind = _base(hints[param.name])
            bad = {int: "abc", float: "abc", dt.date: "31.02.2026"}.get(kind)
            if bad is None:
                continue
            name = " ".join(path)
            yield pytest.param([*path, opts[0], bad], opts[0], id=f"{name} {opts[0]} {bad}")
            minimum = getattr(_info(hints[param.name]), "min", None)
            if minimum is not None:
                below = str(minimum - 1)
                yield pytest.param([*path, opts[0], below], opts[0], id=f"{name} {opts[0]} {below}")


def _required_cases() -> Iterator[Any]:
    for path, command in COMMANDS.items():
        if any(p.required for p in command.params):
            yield pytest.param(list(path), id=" ".join(path))


def _one_error_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exited:
        run(argv)
    out, err = capsys.readouterr()
    assert exited.value.code == 2, (argv, out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(PREFIX), (argv, err)
    assert "Traceback" not in err and out == ""
    return lines[0]


def test_every_command_is_enumerated() -> None:
    names = {" ".join(p) for p in COMMANDS}
    assert {"demo", "rpw list", "register", "case show", "worker external", "verify"} <= names
    assert len(COMMANDS) >= 20


@pytest.mark.parametrize("path", [pytest.param(list(p), id=" ".join(p)) for p in COMMANDS])
def test_unknown_option(path: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    line = _one_error_line([*path, "--no-such-option"], capsys)
    assert "nieznana opcja --no-such-option" in line


@pytest.mark.parametrize(("argv", "option"), list(_typed_cases()))
def test_bad_value(argv: list[str], option: str, capsys: pytest.CaptureFixture[str]) -> None:
    line = _one_error_line(argv, capsys)
    assert "niepoprawna wartość" in line and option in line


@pytest.mark.parametrize("argv", list(_required_cases()))
def test_missing_required(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    line = _one_error_line(argv, capsys)
    assert "brak wymaganej opcji --" in line or "brak wymaganego argumentu " in line, line


def test_unknown_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert "nieznane polecenie 'nosuch'" in _one_error_line(["nosuch"], capsys)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["demo", "--documents", "0"], "opcji --documents/-n: musi być co najmniej 1"),
        (["rpw", "list", "--year", "abc"], "opcji --year/-y: to nie jest liczba całkowita"),
    ],
)
def test_the_installed_program(args: list[str], expected: str, tmp_path: Path) -> None:
    exe = shutil.which("ezd")
    assert exe is not None, "the ezd program is not on PATH (scripts/test.sh puts .venv/bin there)"
    proc = subprocess.run(
        [exe, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": str(Path(exe).parent), "EZD_HOME": str(tmp_path / "ezd")},
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.splitlines() == [
        f"{PREFIX}niepoprawna wartość {expected} (zob. ezd {' '.join(args[:-2])} --help)"
    ]
    assert not (tmp_path / "ezd").exists()  # refused before anything ran


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["deadline", "--received", "31.02.2026"], "Niepoprawna data 31.02.2026; podaj ją jako dd.mm.rrrr"),
        (["deadline", "--received", "01.02.2026", "--kind", "xyz"], "Nieznany rodzaj sprawy xyz; dozwolone:"),
    ],
)
def test_a_refused_value_reads_in_polish(args: list[str], expected: str, tmp_path: Path) -> None:
    """A service's refusal (not the parser's) is the catalogue's Polish message, one line, exit 2."""
    exe = shutil.which("ezd")
    assert exe is not None, "the ezd program is not on PATH (scripts/test.sh puts .venv/bin there)"
    proc = subprocess.run(
        [exe, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": str(Path(exe).parent), "EZD_HOME": str(tmp_path / "ezd")},
    )
    assert proc.returncode == 2 and proc.stdout == ""
    [line] = proc.stderr.splitlines()
    assert line.startswith(f"{PREFIX}{expected}") and line.endswith("."), line
