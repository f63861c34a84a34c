"""Safe extraction of an uploaded package (.tar, .tar.gz, .zip) into a private folder.

Packages come from other systems and other offices: treat them as hostile.

* only regular files and folders; symlinks, hard links, devices and FIFOs are refused;
* member names must be relative and stay inside the target (no ``..``, no absolute or drive
  paths, no backslashes), and must be unique after normalisation;
* caps on the number of members, on each file and on the total, counted on the bytes actually
  written (a zip bomb's headers can lie about sizes), so extraction stops at the cap.

Any violation raises :class:`UnsafePackage` and the partial output is removed by the caller's
temporary folder.
"""

from __future__ import annotations

import lzma
import shutil
import stat
import tarfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from ezd.records.errors import EzdError

CHUNK = 1024 * 1024
# what the standard library raises for a damaged or unsupported archive besides its own
# BadZipFile/TarError (found by bench/fuzz.py unpack: a zip header with "version 16.9" raised
# NotImplementedError out of ZipFile()); write errors (OSError) are not among them
_DAMAGED = (EOFError, NotImplementedError, ValueError, zlib.error, lzma.LZMAError)


class UnsafePackage(EzdError, ValueError):
    """The package archive is refused (path traversal, links, over a size cap, not an archive)."""


@dataclass(frozen=True)
class Limits:
    max_members: int = 100_000
    max_file_bytes: int = 2 * 1024**3
    max_total_bytes: int = 20 * 1024**3


def _member_path(name: str) -> PurePosixPath:
    if "\\" in name or "\x00" in name:
        raise UnsafePackage(f"member name {name!r} contains a backslash or NUL")
    p = PurePosixPath(name)
    if p.is_absolute() or (p.parts and p.parts[0].endswith(":")):
        raise UnsafePackage(f"member {name!r} has an absolute path")
    parts = [x for x in p.parts if x not in ("", ".")]
    if any(x == ".." for x in parts):
        raise UnsafePackage(f"member {name!r} escapes the package folder (path traversal)")
    if not parts:
        raise UnsafePackage(f"member name {name!r} is empty")
    return PurePosixPath(*parts)


class _Writer:
    def __init__(self, target: Path, limits: Limits) -> None:
        self.target = target
        self.limits = limits
        self.total = 0
        self.members = 0
        self.seen: set[str] = set()

    def count(self) -> None:
        self.members += 1
        if self.members > self.limits.max_members:
            raise UnsafePackage(f"package has more than {self.limits.max_members} members")

    def folder(self, name: str) -> None:
        self.count()
        rel = _member_path(name)
        try:
            (self.target / Path(*rel.parts)).mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise UnsafePackage(f"member {name!r} is both a file and a folder") from None

    def file(self, name: str, src: IO[bytes]) -> None:
        self.count()
        rel = _member_path(name)
        key = rel.as_posix().casefold()
        if key in self.seen:
            raise UnsafePackage(f"member {name!r} appears twice")
        self.seen.add(key)
        dest = self.target / Path(*rel.parts)
        if not dest.resolve().is_relative_to(self.target.resolve()):
            raise UnsafePackage(f"member {name!r} escapes the package folder")
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise UnsafePackage(f"member {name!r} lies under a file of the same name") from None
        if dest.is_dir():
            raise UnsafePackage(f"member {name!r} is both a folder and a file")
        size = 0
        with open(dest, "xb") as out:
            while chunk := _read(src, name):
                size += len(chunk)
                self.total += len(chunk)
                if size > self.limits.max_file_bytes:
                    raise UnsafePackage(f"member {name!r} is over {self.limits.max_file_bytes} bytes")
                if self.total > self.limits.max_total_bytes:
                    raise UnsafePackage(f"package unpacks to over {self.limits.max_total_bytes} bytes")
                out.write(chunk)


def _read(src: IO[bytes], name: str) -> bytes:
    # reading a member can fail in the archive's own ways, OSError included (a negative seek
    # offset in a damaged zip, found by bench/fuzz.py unpack); writing it out is not wrapped
    try:
        return src.read(CHUNK)
    except (OSError, zipfile.BadZipFile, tarfile.TarError, *_DAMAGED) as exc:
        raise UnsafePackage(f"member {name!r} cannot be read: {exc}") from None


def _untar(archive: Path, w: _Writer) -> None:
    try:
        tf = tarfile.open(archive, mode="r:*")  # noqa: SIM115 -- closed by the with below
    except (tarfile.TarError, OSError, *_DAMAGED) as exc:
        raise UnsafePackage(f"{archive.name} is not a readable tar archive: {exc}") from None
    with tf:
        try:
            for m in tf:
                if m.isdir():
                    w.folder(m.name)
                elif m.isreg():
                    src = tf.extractfile(m)
                    if src is None:
                        raise UnsafePackage(f"member {m.name!r} cannot be read")
                    with src:
                        w.file(m.name, src)
                else:
                    kind = "link" if (m.issym() or m.islnk()) else "special file"
                    raise UnsafePackage(f"member {m.name!r} is a {kind}; only files and folders are accepted")
        except (tarfile.TarError, *_DAMAGED) as exc:
            raise UnsafePackage(f"{archive.name} is a damaged tar archive: {exc}") from None


def _unzip(archive: Path, w: _Writer) -> None:
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, *_DAMAGED) as exc:
        raise UnsafePackage(f"{archive.name} is not a readable zip archive: {exc}") from None
    with zf:
        for info in zf.infolist():
            _member_path(info.filename)  # first: ZipInfo.is_dir() fails on an empty name (fuzz)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise UnsafePackage(
                    f"member {info.filename!r} is a link; only files and folders are accepted"
                )
            if info.is_dir():
                w.folder(info.filename)
                continue
            if info.flag_bits & 0x1:
                raise UnsafePackage(f"member {info.filename!r} is encrypted")
            try:
                src = zf.open(info)
            except (zipfile.BadZipFile, OSError, *_DAMAGED) as exc:
                raise UnsafePackage(f"member {info.filename!r} cannot be read: {exc}") from None
            with src:
                w.file(info.filename, src)


def unpack(archive: Path, target: Path, limits: Limits | None = None) -> Path:
    """Extract ``archive`` into the empty folder ``target``; returns the package root inside it.

    A single top-level folder (``paczka_48/sprawy/...``) is taken as the package root.
    """
    target.mkdir(parents=True, exist_ok=True)
    w = _Writer(target, limits or Limits())
    try:
        if zipfile.is_zipfile(archive):
            _unzip(archive, w)
        elif tarfile.is_tarfile(archive):
            _untar(archive, w)
        else:
            raise UnsafePackage(f"{archive.name} is neither a folder, a tar nor a zip archive")
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    entries = list(target.iterdir())
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return target
