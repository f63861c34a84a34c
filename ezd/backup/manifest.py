"""The backup's manifest: what was backed up, and every file with its SHA-256 and size."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from ezd.records.errors import EzdError

FORMAT = 1
MANIFEST = "manifest.json"
S3_LIST = "s3-objects.json"
_CHUNK = 1024 * 1024

DatabaseKind = Literal["sqlite", "postgresql"]
ObjectsKind = Literal["local", "s3"]


class BackupError(EzdError):
    """A backup cannot be made, checked or restored; the message says why (in Polish)."""


@dataclass(frozen=True)
class FileEntry:
    path: str  # relative to the backup folder, '/'-separated
    sha256: str
    size: int


@dataclass
class Manifest:
    created_at: str  # ISO 8601, UTC
    database: DatabaseKind
    objects: ObjectsKind
    s3_bucket_prefix: str | None = None
    files: list[FileEntry] = field(default_factory=list)
    format: int = FORMAT

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        if not path.is_file():
            raise BackupError(f"{folder} nie jest kopią zapasową ezd: brak pliku {MANIFEST}")
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            files = [FileEntry(str(f["path"]), str(f["sha256"]), int(f["size"])) for f in raw["files"]]
            manifest = cls(
                created_at=str(raw["created_at"]),
                database=raw["database"],
                objects=raw["objects"],
                s3_bucket_prefix=raw.get("s3_bucket_prefix"),
                files=files,
                format=int(raw["format"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise BackupError(f"uszkodzony plik {MANIFEST} w {folder}") from exc
        if manifest.format != FORMAT or manifest.database not in ("sqlite", "postgresql"):
            raise BackupError(f"nieznany format kopii zapasowej w {folder} (format {manifest.format})")
        return manifest


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def list_files(folder: Path) -> list[FileEntry]:
    """Every regular file under ``folder`` except the manifest, hashed, in a stable order."""
    entries: list[FileEntry] = []
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            path = Path(root) / name
            rel = path.relative_to(folder).as_posix()
            if rel == MANIFEST or not path.is_file():
                continue
            entries.append(FileEntry(rel, sha256_file(path), path.stat().st_size))
    return entries


@dataclass
class VerifyReport:
    files: int = 0
    bytes: int = 0
    missing: list[str] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.damaged or self.unexpected)

    def problem(self) -> str:
        """The first problem as one Polish sentence (for an error line)."""
        if self.missing:
            return f"brak pliku {self.missing[0]} (brakujących: {len(self.missing)})"
        if self.damaged:
            return f"plik {self.damaged[0]} różni się od manifestu (uszkodzonych: {len(self.damaged)})"
        if self.unexpected:
            return (
                f"plik {self.unexpected[0]} nie występuje w manifeście (nadmiarowych: {len(self.unexpected)})"
            )
        return "brak"


def verify_backup(folder: Path) -> tuple[Manifest, VerifyReport]:
    """Re-hash every file of the backup and compare with the manifest."""
    manifest = Manifest.read(folder)
    report = VerifyReport()
    expected = {entry.path: entry for entry in manifest.files}
    present = {entry.path: entry for entry in list_files(folder)}
    for rel, entry in expected.items():
        found = present.get(rel)
        if found is None:
            report.missing.append(rel)
        elif (found.sha256, found.size) != (entry.sha256, entry.size):
            report.damaged.append(rel)
        else:
            report.files += 1
            report.bytes += found.size
    report.unexpected = sorted(set(present) - set(expected))
    return manifest, report
