"""Coverage-guided fuzzing (atheris, libFuzzer) of the code that reads untrusted input (issue 18).

    python bench/fuzz.py TARGET --runs N [--seconds S] [--corpus DIR]
    python bench/fuzz.py --list

Targets: ``xml`` (the hardened parser ezd.xmlsafe with the ePUAP reader: letter, validation,
emergency-download descriptor), ``xades`` (the XAdES verifier), ``unpack`` (the archival package
unpacker, zip and tar), ``juel`` (the JUEL subset evaluator), ``bpmn`` (the deploy-time BPMN check),
``email`` (the e-mail intake's message reader, ezd.eml).

A clean refusal is an :class:`ezd.records.errors.EzdError` (one Polish/ETSI message); anything
else raised is a finding, and so is a run over 1 s (``-timeout=1``) or over the memory cap
(``-rss_limit_mb``).  libFuzzer then writes the input to ``crash-*``/``timeout-*``/``oom-*`` in the
working directory; a finding becomes a regression test (tests/test_fuzz_findings.py).

The seed corpus comes from ../shared/reference/ and the repository (BPMN files, tests' XML) and
is copied into a scratch folder (libFuzzer adds its new inputs to the first corpus folder, which
must not be the reference set); ``--corpus DIR`` keeps it across runs instead.  The extra
``fuzz`` installs atheris (``pip install -e .[fuzz]``).  Long runs go at ``nice -n 19``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference"
sys.path.insert(0, str(ROOT))

Target = Callable[[bytes], None]


def _files(*patterns: tuple[Path, str]) -> Iterator[bytes]:
    for base, pattern in patterns:
        if base.is_dir():
            for p in sorted(base.rglob(pattern)):
                if p.is_file() and p.stat().st_size <= 256 * 1024:
                    yield p.read_bytes()


def _archives() -> Iterator[bytes]:
    for kind in ("zip", "tar"):
        buf = io.BytesIO()
        members = {"paczka/metadane.xml": b"<m/>", "paczka/sprawy/pismo.txt": b"tekst"}
        if kind == "zip":
            with zipfile.ZipFile(buf, "w") as z:
                for name, data in members.items():
                    z.writestr(name, data)
        else:
            with tarfile.open(fileobj=buf, mode="w") as t:
                for name, data in members.items():
                    info = tarfile.TarInfo(name)
                    info.size = len(data)
                    t.addfile(info, io.BytesIO(data))
        yield buf.getvalue()


def seeds(target: str) -> Iterator[bytes]:
    if target in ("xml", "xades"):
        yield from _files((REFERENCE / "epuap", "*.xml"), (REFERENCE / "xades-vectors", "*.xml"))
        yield from _files((ROOT / "tests", "*.xml"))
    elif target == "unpack":
        yield from _archives()
    elif target == "juel":
        yield from (b"${approved}", b"${doc_kind == 'wniosek' && !empty uwagi}", b"${n ge 3 or not ok}")
    elif target == "bpmn":
        yield from _files((ROOT / "bpmn", "*.bpmn"))
    elif target == "email":
        yield from _files((ROOT / "tests", "*.eml"))
        yield (
            b"From: Jan Kowalski <jan@example.pl>\r\nTo: kancelaria@urzad.gov.pl\r\nSubject: Wniosek\r\n"
            b"Date: Tue, 1 Dec 2026 10:00:00 +0100\r\nMessage-ID: <1@example.pl>\r\nMIME-Version: 1.0\r\n"
            b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain; '
            b"charset=utf-8\r\n\r\nDzie\xc5\x84 dobry\r\n--b\r\nContent-Type: application/pdf\r\n"
            b'Content-Disposition: attachment; filename="a.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
            b"JVBERi0xLjQK\r\n--b--\r\n"
        )


def _xml() -> Target:
    from ezd import epuap, xmlsafe
    from ezd.records.errors import EzdError

    def run(data: bytes) -> None:
        try:
            root = xmlsafe.parse(data)
            if epuap.is_epuap_form(root):
                epuap.validate_letter(root)
                epuap.parse_letter(root, max_attachment_bytes=64 * 1024)
            epuap.has_signature(root)
        except EzdError:
            pass
        with contextlib.suppress(EzdError):
            epuap.read_descriptor(data)

    return run


def _xades() -> Target:
    from ezd.records.errors import EzdError
    from ezd.signatures import XadesVerifier

    verifier = XadesVerifier([])

    def run(data: bytes) -> None:
        with contextlib.suppress(EzdError):
            verifier.verify(data)

    return run


def _unpack() -> Target:
    from ezd.archive_ops.unpack import Limits, UnsafePackage, unpack
    from ezd.records.errors import EzdError

    shm = Path("/dev/shm")  # a RAM folder: one archive written and removed per run
    where = str(shm) if shm.is_dir() else None
    limits = Limits(max_members=64, max_file_bytes=1024 * 1024, max_total_bytes=4 * 1024 * 1024)

    def run(data: bytes) -> None:
        # a folder per run, removed at once: libFuzzer ends the process without Python's atexit
        with tempfile.TemporaryDirectory(prefix="ezd-fuzz-unpack-", dir=where) as scratch:
            archive = Path(scratch) / "paczka.bin"
            archive.write_bytes(data)
            with contextlib.suppress(UnsafePackage, EzdError):
                unpack(archive, Path(scratch) / "out", limits)

    return run


def _juel() -> Target:
    from ezd.records.errors import EzdError
    from ezd.workflow import juel

    variables = {"approved": True, "doc_kind": "wniosek", "uwagi": "", "n": 3, "ok": False}

    def run(data: bytes) -> None:
        text = data.decode("utf-8", errors="replace")
        with contextlib.suppress(EzdError):
            juel.evaluate(text, variables)

    return run


def _bpmn() -> Target:
    from ezd.records.errors import EzdError
    from ezd.workflow import lint

    def run(data: bytes) -> None:
        with contextlib.suppress(EzdError):
            lint.check_definitions(data, "fuzz.bpmn")

    return run


def _email() -> Target:
    from ezd import eml
    from ezd.records.errors import EzdError

    def run(data: bytes) -> None:
        with contextlib.suppress(EzdError):
            eml.parse_message(data, max_bytes=1024 * 1024)

    return run


TARGETS: dict[str, tuple[Callable[[], Target], list[str]]] = {
    # name: (harness factory, modules atheris instruments for coverage feedback)
    "xml": (_xml, ["ezd.xmlsafe", "ezd.epuap"]),
    "xades": (_xades, ["ezd.signatures"]),
    "unpack": (_unpack, ["ezd.archive_ops.unpack"]),
    "juel": (_juel, ["ezd.workflow.juel"]),
    "bpmn": (_bpmn, ["ezd.workflow.lint", "ezd.workflow.juel"]),
    "email": (_email, ["ezd.eml"]),
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("target", nargs="?", choices=sorted(TARGETS))
    ap.add_argument("--runs", type=int, default=1_000_000, help="executions (libFuzzer -runs)")
    ap.add_argument("--seconds", type=int, default=0, help="stop after this many seconds (0: no limit)")
    ap.add_argument("--corpus", type=Path, help="keep the corpus here (default: a scratch folder)")
    ap.add_argument("--seed", type=int, default=0, help="libFuzzer's random seed (0: a new one each run)")
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args(argv)
    if args.list or args.target is None:
        print("\n".join(sorted(TARGETS)))
        return 0
    import atheris

    factory, modules = TARGETS[args.target]
    with atheris.instrument_imports(include=modules):
        harness = factory()
    corpus = args.corpus or Path(tempfile.mkdtemp(prefix=f"ezd-fuzz-{args.target}-"))
    corpus.mkdir(parents=True, exist_ok=True)
    print(f"corpus: {corpus}", file=sys.stderr)
    for i, seed in enumerate(seeds(args.target)):
        (corpus / f"seed-{i:04d}").write_bytes(seed)
    flags = [
        f"-runs={args.runs}",
        "-timeout=1",
        "-rss_limit_mb=1024",
        "-max_len=65536",
        "-print_final_stats=1",
    ]
    if args.seed:
        flags.append(f"-seed={args.seed}")
    if args.seconds:
        flags.append(f"-max_total_time={args.seconds}")
    atheris.Setup([sys.argv[0], *flags, str(corpus)], harness)
    atheris.Fuzz()  # exits the process: 0 when the runs end without a finding
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
