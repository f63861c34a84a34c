"""Request bodies of the API (responses are the read model's plain JSON objects)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ezd.records.tenancy import Role

TENANT = r"^[a-z][a-z0-9-]{1,39}$"
CASE_SIGN = r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*\.\d{1,4}\.\d+\.\d{4}$"
UNIT = r"^[A-Z][A-Z0-9]{0,9}(-[A-Z0-9]{1,10})*$"
LOGIN = r"^[A-Za-z0-9._-]{1,64}$"

Text = Annotated[str, StringConstraints(max_length=500)]
Login = Annotated[str, StringConstraints(pattern=LOGIN)]
UnitCode = Annotated[str, StringConstraints(pattern=UNIT)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginBody(Body):
    login: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class DecreeBody(Body):
    unit: UnitCode
    # "do wiadomości": other units or people see the item and are notified, but do not act on it
    copies_units: list[UnitCode] = Field(default_factory=list, max_length=30)
    copies_people: list[Login] = Field(default_factory=list, max_length=30)


class AssignBody(Body):
    referent: Login


class CaseDecisionBody(Body):
    jrwa: Annotated[str, StringConstraints(pattern=r"^\d{1,4}$")] | None = None
    title: Text | None = None
    attach_to: Annotated[str, StringConstraints(pattern=CASE_SIGN)] | None = None


class ApprovalBody(Body):
    approved: bool
    comment: Text = ""


class DeliveryBody(Body):
    receipt_ref: Annotated[str, StringConstraints(min_length=1, max_length=100)]


class ShareBody(Body):
    tenant: Annotated[str, StringConstraints(pattern=TENANT)]


class TransferStartBody(Body):
    as_of: date | None = Field(default=None, description="Eligibility date; default today")
    case: Annotated[str, StringConstraints(pattern=CASE_SIGN)] | None = Field(
        default=None, description="Take in one closed case now instead of every due case"
    )


class TransferDecisionBody(Body):
    accepted: bool
    note: Text = ""


class LoanBody(Body):
    case: Annotated[str, StringConstraints(pattern=CASE_SIGN)]
    borrower: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    due_on: date
    purpose: Text = ""


class UnitBody(Body):
    code: UnitCode
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class UserBody(Body):
    login: Login
    full_name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    password: Annotated[str, StringConstraints(min_length=10, max_length=200)]
    unit: UnitCode
    role: Role


class GrantBody(Body):
    unit: UnitCode
    role: Role


class SubstitutionBody(Body):
    absent: Login
    substitute: Login
    start: date
    end: date


class PublicStatusBody(Body):
    tenant: Annotated[str, StringConstraints(pattern=TENANT)]
    sign: Annotated[str, StringConstraints(min_length=1, max_length=60)]
    code: Annotated[str, StringConstraints(min_length=1, max_length=40)]
