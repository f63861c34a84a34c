"""Writing BagIt bags (RFC 8493) with SHA-256 and SHA-512 manifests.

Written by hand rather than with ``bagit.make_bag`` so that the bag is built from the bytes we
already hold (digests computed once, while writing) and so that the ``bagit`` library stays an
independent check: the tests validate every bag we write with it.

Layout: ``bagit.txt``, ``bag-info.txt``, ``manifest-sha256.txt``, ``manifest-sha512.txt``,
``tagmanifest-sha256.txt``, ``tagmanifest-sha512.txt`` and the payload under ``data/``.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath

from ezd.records.errors import EzdError

ALGORITHMS = ("sha256", "sha512")
BAGIT_TXT = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
SOFTWARE = "ezd (https://github.com/ezd) archive export"


class BagError(EzdError, ValueError):
    pass


def _check_rel(path: str) -> PurePosixPath:
    # RFC 8493 wants %, CR and LF percent-encoded in manifests, but bagit-python does not decode
    # %25: such names would make bags that validators disagree on, so they are refused here
    # (package file names are sanitised before they get this far).
    if any(c in path for c in "%\r\n\\"):
        raise BagError(f"payload path {path!r} contains %, a backslash or a line break")
    p = PurePosixPath(path)
    if p.is_absolute() or not p.parts or any(part in ("", ".", "..") for part in p.parts):
        raise BagError(f"unsafe payload path {path!r}")
    return p


@dataclass
class BagWriter:
    """Accumulates payload files in ``root/data`` and finishes the bag with manifests."""

    root: Path
    _digests: dict[str, dict[str, str]] = field(default_factory=dict)
    _octets: int = 0

    def __post_init__(self) -> None:
        if self.root.exists() and any(self.root.iterdir()):
            raise BagError(f"{self.root} exists and is not empty")
        (self.root / "data").mkdir(parents=True, exist_ok=True)

    def add(self, path: str, data: bytes) -> None:
        rel = _check_rel(path)
        key = f"data/{rel.as_posix()}"
        if key in self._digests:
            raise BagError(f"duplicate payload path {path!r}")
        target = self.root / "data" / Path(*rel.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self._digests[key] = {a: hashlib.new(a, data).hexdigest() for a in ALGORITHMS}
        self._octets += len(data)

    def finish(self, info: Mapping[str, str]) -> Path:
        """Write bag-info, payload manifests and tag manifests; returns the bag folder."""
        lines = [("Bagging-Date", date.today().isoformat())]
        lines += [(k, v) for k, v in info.items() if k not in ("Bagging-Date", "Payload-Oxum")]
        lines.append(("Payload-Oxum", f"{self._octets}.{len(self._digests)}"))
        lines.append(("Bag-Software-Agent", SOFTWARE))
        for k, v in lines:
            if not re.fullmatch(r"[^:\s][^:\r\n]*", k) or "\n" in v or "\r" in v:
                raise BagError(f"bag-info line {k!r} cannot be written")
        (self.root / "bagit.txt").write_text(BAGIT_TXT, encoding="utf-8")
        (self.root / "bag-info.txt").write_text("".join(f"{k}: {v}\n" for k, v in lines), encoding="utf-8")
        for alg in ALGORITHMS:
            manifest = "".join(f"{d[alg]}  {p}\n" for p, d in sorted(self._digests.items()))
            (self.root / f"manifest-{alg}.txt").write_text(manifest, encoding="utf-8")
        tag_files = ["bagit.txt", "bag-info.txt", *(f"manifest-{a}.txt" for a in ALGORITHMS)]
        for alg in ALGORITHMS:
            tag = "".join(
                f"{hashlib.new(alg, (self.root / name).read_bytes()).hexdigest()}  {name}\n"
                for name in tag_files
            )
            (self.root / f"tagmanifest-{alg}.txt").write_text(tag, encoding="utf-8")
        return self.root


def write_bag(root: Path, payload: Iterable[tuple[str, bytes]], info: Mapping[str, str]) -> Path:
    writer = BagWriter(root)
    for path, data in payload:
        writer.add(path, data)
    return writer.finish(info)


def validate_bag(root: Path) -> list[str]:
    """Errors of a bag as the ``bagit`` library sees them (full checksum validation); [] if valid."""
    import bagit  # imported here: only bag users need it

    declaration = root / "bagit.txt"
    if declaration.is_file():
        # RFC 8493 §2.1.1 fixes the declaration's form ("Name: value", one space); bagit-python
        # tolerates stray whitespace that the conformance suite marks invalid
        raw = declaration.read_bytes()
        lines = raw.decode("utf-8", "replace").lstrip("\ufeff").splitlines()
        if any(not re.fullmatch(r"[A-Za-z-]+: \S.*", line) for line in lines):
            return ["bagit.txt: the declaration lines must read 'Name: value' (no stray whitespace)"]
    try:
        bag = bagit.Bag(os.fspath(root))
        bag.validate(processes=1)
    except bagit.BagValidationError as exc:
        details = [str(d) for d in getattr(exc, "details", []) or []]
        return details or [str(exc)]
    except bagit.BagError as exc:
        return [str(exc)]
    return []
