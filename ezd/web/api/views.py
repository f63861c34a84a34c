"""Response bodies of the API's writes (reads answer the read models of ezd.services.queries)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel


class Registered(BaseModel):
    rpw: str
    tenant: str
    document: str
    sha256: str


class Decreed(BaseModel):
    rpw: str
    unit: str
    copies: list[str] = []  # recipients added "do wiadomości": unit:GK, user:sw.referent2


class Assigned(BaseModel):
    rpw: str
    referent: str


class CaseDecided(BaseModel):
    rpw: str
    jrwa: str | None
    attach_to: str | None


class DraftSubmitted(BaseModel):
    case: str
    draft: str


class Approval(BaseModel):
    case: str
    approved: bool


class Delivered(BaseModel):
    case: str
    receipt: str


class Shared(BaseModel):
    case: str
    shared_with: str


class AccessCode(BaseModel):
    case: str
    access_code: str


class DownloadLink(BaseModel):
    url: str
    expires_in: int
    filename: str
    sha256: str


class TransfersStarted(BaseModel):
    started: list[str]


class TransferDecided(BaseModel):
    case: str
    accepted: bool


class LoanMade(BaseModel):
    loan: int
    case: str
    borrower: str
    due_on: date


class LoanReturned(BaseModel):
    loan: int
    case: str
    returned: bool


class Granted(BaseModel):
    login: str
    unit: str
    role: str


class Unlocked(BaseModel):
    login: str


class SubstitutionAdded(BaseModel):
    absent: str
    substitute: str


class JrwaImported(BaseModel):
    classes: int


class Office(BaseModel):
    code: str
    name: str


class Session(BaseModel):
    token: str
    csrf_token: str
    expires_at: str
    login: str


class MyGrant(BaseModel):
    tenant: str
    unit: str
    role: str
    on_behalf_of: str | None


class Me(BaseModel):
    login: str
    full_name: str
    grants: list[MyGrant]
    csrf_token: str
