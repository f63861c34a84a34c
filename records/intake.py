"""Incoming-item metadata: the minimum the instrukcja kancelaryjna requires in the RPW."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ezd.records.errors import InvalidInput


class Channel(StrEnum):
    EPUAP = "epuap"
    E_DORECZENIA = "e-doreczenia"
    POST = "poczta"
    IN_PERSON = "osobiscie"
    EMAIL = "email"
    COURIER = "kurier"
    # a request of another office of the partnership on the same installation (art. 106 KPA)
    PARTNER_OFFICE = "urzad-partnerski"


def parse_channel(text: str) -> Channel:
    try:
        return Channel(text.strip().lower())
    except ValueError:
        names = ", ".join(c.value for c in Channel)
        raise InvalidInput(f"nieznany sposób doręczenia {text!r}; dozwolone: {names}") from None


class Access(StrEnum):
    PUBLIC = "jawny"
    RESTRICTED = "ograniczony"  # personal data, tax secret, etc.


MAX_TITLE = 500


@dataclass(frozen=True, slots=True)
class IncomingMetadata:
    sender: str
    title: str
    letter_date: date | None
    received_date: date
    channel: Channel
    kind: str = "pismo"
    access: Access = Access.PUBLIC
    attachments: int = 0
    format: str = "application/xml"
    sender_reference: str | None = None  # znak pisma nadawcy
    sender_address: str | None = None
    sender_id: str | None = None  # PESEL/REGON/NIP or ePUAP address; treated as personal data

    def __post_init__(self) -> None:
        if not self.sender.strip():
            raise InvalidInput("the sender of an incoming item is required")
        if not self.title.strip():
            raise InvalidInput("the title of an incoming item is required")
        if len(self.title) > MAX_TITLE:
            raise InvalidInput(f"title longer than {MAX_TITLE} characters")
        if self.attachments < 0:
            raise InvalidInput("number of attachments cannot be negative")
        if self.letter_date and self.letter_date > self.received_date:
            raise InvalidInput("the letter is dated after the day it was received")
