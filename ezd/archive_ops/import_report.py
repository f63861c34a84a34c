"""The checking report of ``ezd archive import``: one line per problem, against its file."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

from ezd.records.errors import InvalidInput
from ezd.records.plural import PLIK, PROBLEM, count

Severity = Literal["error", "invalid", "note"]

# what a person reads instead of the severity codes (the JSON report keeps the codes)
SEVERITY_LABELS: dict[str, str] = {"error": "błąd", "invalid": "niezgodność", "note": "uwaga"}


class PackageRefused(InvalidInput):
    """The package is not imported; ``report`` says why, file by file."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        problems = [i for i in report.issues if i.blocks(report.accept_invalid)]
        super().__init__(
            f"paczka {report.package} nie została zaimportowana: {count(len(problems), PROBLEM)} w "
            f"{count(len({i.path for i in problems}), PLIK)}; niczego nie zarejestrowano"
        )


@dataclass(frozen=True)
class FileIssue:
    path: str
    severity: Severity
    problem: str

    def blocks(self, accept_invalid: bool) -> bool:
        return self.severity == "error" or (self.severity == "invalid" and not accept_invalid)

    @property
    def label(self) -> str:
        return SEVERITY_LABELS[self.severity]


@dataclass
class ImportReport:
    package: str
    tenant: str
    accept_invalid: bool = False
    imported: bool = False
    cases: list[str] = field(default_factory=list)
    documents: int = 0
    metadata_files: int = 0
    issues: list[FileIssue] = field(default_factory=list)

    def add(self, path: str, severity: Severity, problem: str) -> None:
        self.issues.append(FileIssue(path, severity, problem))

    @property
    def acceptable(self) -> bool:
        return not any(i.blocks(self.accept_invalid) for i in self.issues)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)
