"""The read models: what the queries return, and what the API answers (the same schema).

Frozen pydantic models, so a page and an API client read the same typed object and FastAPI
documents the response from it.  Timestamps are ISO 8601 strings (seconds) as the API has always
answered them; dates of the workflow's task list are ``date``.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, JsonValue


class ReadModel(BaseModel):
    model_config = ConfigDict(frozen=True)


class TaskRow(ReadModel):
    """One open user task in someone's list."""

    id: str
    name: str
    task_key: str
    tenant: str
    ref: str  # RPW number or case sign
    ref_kind: str  # item | case
    title: str
    deadline: date | None
    overdue: bool
    due_soon: bool
    assignee: str | None
    on_behalf_of: str | None
    screen: str | None = None  # the domain screen it is done on (ezd:screen), None for a generic task


class CaseSummary(ReadModel):
    """A row of the spis spraw."""

    tenant: str
    sign: str
    title: str
    state: str
    unit: str
    jrwa: str
    category: str
    referent: str | None
    opened_at: str | None
    deadline: str | None
    closed_at: str | None
    archived_at: str | None


class OverdueCase(CaseSummary):
    days_late: int


class DisposalCase(CaseSummary):
    disposal_from: str
    expert_review: bool


class VersionView(ReadModel):
    version: int
    sha256: str
    size: int
    media_type: str
    filename: str
    note: str | None
    created_at: str | None
    created_by: str | None


class AttachmentView(ReadModel):
    filename: str
    sha256: str
    size: int
    media_type: str


class DocumentView(ReadModel):
    uid: str
    direction: str
    kind: str
    title: str
    status: str
    signed: bool
    signature_verdict: str | None
    versions: list[VersionView]
    attachments: list[AttachmentView]


class CaseIncoming(ReadModel):
    rpw: str
    received_date: str | None
    sender: str | None  # None for a sharing office: personal data stay in the office
    title: str
    channel: str


class MetrykaView(ReadModel):
    at: str | None
    actor: str
    on_behalf_of: str | None
    action: str
    document: str | None
    details: dict[str, JsonValue]


class CaseOutgoing(ReadModel):
    sign: str
    channel: str
    addressee: str | None
    dispatched_at: str | None
    delivered_at: str | None


class ProcessView(ReadModel):
    process_key: str
    instance_id: str
    ended: bool
    active: list[str]
    visited: list[str]


class OpenTask(ReadModel):
    id: str
    task_key: str
    name: str
    assignee: str | None


class CaseAbilities(ReadModel):
    """What the reader may do with the case now (the page shows only these actions)."""

    draft: bool
    approve: bool
    accept_transfer: bool
    share: bool
    access_code: bool
    confirm_delivery: bool
    download: bool


class CaseView(CaseSummary):
    """Everything about one case its reader may see."""

    referent_name: str | None
    access: str  # full | shared
    documents: list[DocumentView]
    incoming: list[CaseIncoming]
    metryka: list[MetrykaView]
    outgoing: list[CaseOutgoing]
    shared_with: list[str]
    processes: list[ProcessView]
    open_tasks: list[OpenTask]
    can: CaseAbilities


class ItemView(ReadModel):
    """An entry of the RPW."""

    tenant: str
    rpw: str
    year: int
    number: int
    registered_at: str | None
    registered_by: str
    sender: str
    sender_address: str | None
    title: str
    kind: str
    channel: str
    letter_date: str | None
    received_date: str | None
    sender_reference: str | None
    attachments: int
    access: str
    status: str
    unit: str | None
    referent: str | None
    case: str | None
    document: str


class OutgoingRow(ReadModel):
    """An entry of the outgoing register."""

    sign: str
    case: str
    channel: str
    addressee: str | None
    dispatched_at: str | None
    delivered_at: str | None


class ApprovalRow(ReadModel):
    task_id: str
    case: str
    title: str
    unit: str
    deadline: str | None
    overdue: bool


class WeekCount(ReadModel):
    week: str
    count: int


class ReferentCount(ReadModel):
    referent: str
    count: int


class Dashboard(ReadModel):
    tenant: str
    units: list[str] | None  # None: every unit of the office
    intake_per_week: list[WeekCount]
    open: int
    closed: int
    by_state: dict[str, int]
    overdue_per_referent: list[ReferentCount]
    median_handling_days: float | None
    closed_count: int


class LoanRow(ReadModel):
    case: str
    title: str
    borrower: str
    purpose: str
    lent_by: str
    due_on: str
    overdue: bool


# -- administration (ezd.services.office_admin) and the residents' status page ------------------
class UnitView(ReadModel):
    code: str
    name: str


class GrantView(ReadModel):
    unit: str
    role: str


class UserView(ReadModel):
    """A person with a role in the office; the lock state only for the office's admins."""

    login: str
    full_name: str
    grants: list[GrantView]
    active: bool | None = None
    locked_until: str | None = None
    failed_logins: int | None = None


class SubstitutionView(ReadModel):
    absent: str
    substitute: str
    start: str
    end: str
    created_by: str


class JrwaClassView(ReadModel):
    symbol: str
    title: str
    category: str | None  # None for a class that is not a leaf
    is_leaf: bool


class AuditCheck(ReadModel):
    """The verdict on the office's metryka hash chains."""

    ok: bool
    chains: int
    entries: int
    # "break" is a Python keyword: the attribute is ``broken``, the JSON key stays "break"
    broken: str | None = Field(default=None, serialization_alias="break")


class PublicStatus(ReadModel):
    """What a resident holding the access code learns: no personal data."""

    office: str
    sign: str
    state: str
    opened_on: str
    deadline: str | None
    closed_on: str | None
    overdue: bool
