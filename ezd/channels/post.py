"""Traditional post (Poczta Polska): a printable envelope label and the "książka nadawcza".

For every letter the channel writes, under ``<root>/<YYYY-MM-DD>/``:

* ``<id>.xml`` — the sealed letter as sent to print (the office prints the visualisation);
* ``<id>.koperta.html`` — a DL/C5 window-envelope label: sender, addressee, postal address,
  the registered-mail marker "R" and "ZPO" (za potwierdzeniem odbioru), the outgoing sign;
* one row in ``ksiazka-nadawcza.csv`` — the daily dispatch book in the column order of Poczta
  Polska's "pocztowa książka nadawcza" for registered letters (Lp., Adresat, Dokładne miejsce
  doręczenia, Kwota zadeklarowanej wartości, Masa, Numer nadawczy, Uwagi, Opłata, Kwota pobrania),
  UTF-8 with ``;`` separators as accepted by the Elektroniczny Nadawca import.

The numer nadawczy (tracking number) is assigned by the post office when the book is stamped; the
row carries the letter's own reference until then.  Idempotent per envelope key; rows are appended
under a lock so concurrent workers do not interleave lines.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import html
import io
import os
import re
import threading
from pathlib import Path

from ezd.channels.port import DispatchRejected, Envelope, SendReceipt
from ezd.records.csvsafe import safe_row

POSTAL_CODE = re.compile(r"\b\d{2}-\d{3}\b")
BOOK = "ksiazka-nadawcza.csv"
BOOK_HEADER = [
    "Lp.",
    "Adresat (imię i nazwisko lub nazwa)",
    "Dokładne miejsce doręczenia",
    "Kwota zadeklarowanej wartości",
    "Masa (g)",
    "Numer nadawczy",
    "Uwagi",
    "Opłata",
    "Kwota pobrania",
]

_LABEL = """<!DOCTYPE html>
<html lang="pl"><head><meta charset="utf-8"><title>Koperta {sign}</title>
<style>
 @page {{ size: 220mm 110mm; margin: 0 }}
 body {{ font-family: sans-serif; width: 220mm; height: 110mm; position: relative; margin: 0 }}
 .from {{ position: absolute; left: 10mm; top: 8mm; font-size: 9pt }}
 .mark {{ position: absolute; right: 12mm; top: 8mm; font-size: 14pt; font-weight: bold;
          border: 1px solid #000; padding: 1mm 3mm }}
 .to {{ position: absolute; left: 100mm; top: 50mm; font-size: 12pt; line-height: 1.4 }}
 .ref {{ position: absolute; left: 10mm; bottom: 8mm; font-size: 8pt }}
</style></head>
<body>
<div class="from">{sender}</div>
<div class="mark">R &nbsp; ZPO</div>
<div class="to"><strong>{addressee}</strong><br>{address}</div>
<div class="ref">{sign} · {case}</div>
</body></html>
"""


class PostChannel:
    def __init__(self, root: Path, *, sender: str = "", name: str = "poczta") -> None:
        self.name = name
        self.root = Path(root)
        self.sender = sender
        self._lock = threading.Lock()

    def send(self, envelope: Envelope) -> SendReceipt:
        if not envelope.addressee.strip():
            raise DispatchRejected("the letter has no addressee")
        address = (envelope.address or "").strip()
        if not address:
            raise DispatchRejected("a postal letter needs the addressee's address")
        if not POSTAL_CODE.search(address):
            raise DispatchRejected(f"the address {address!r} has no Polish postal code (NN-NNN)")
        message_id = hashlib.sha256(envelope.idempotency_key.encode()).hexdigest()[:32]
        day = self.root / dt.date.today().isoformat()
        day.mkdir(parents=True, exist_ok=True)
        with self._lock:
            if any(self.root.glob(f"*/{message_id}.xml")):
                return SendReceipt(self.name, message_id)  # already in a dispatch book
            self._write(day / f"{message_id}.koperta.html", self._label(envelope, address).encode())
            self._append_book(day / BOOK, envelope, address)
            # the letter itself last: its presence marks the dispatch as complete
            self._write(day / f"{message_id}.xml", envelope.document)
        return SendReceipt(self.name, message_id)

    def _label(self, envelope: Envelope, address: str) -> str:
        esc = html.escape
        return _LABEL.format(
            sign=esc(envelope.outgoing_sign),
            case=esc(envelope.case_sign),
            sender=esc(self.sender or envelope.tenant),
            addressee=esc(envelope.addressee),
            address="<br>".join(esc(p.strip()) for p in address.split(",") if p.strip()),
        )

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)

    @staticmethod
    def _append_book(path: Path, envelope: Envelope, address: str) -> None:
        new = not path.exists()
        count = 0 if new else max(0, path.read_text(encoding="utf-8").count("\n") - 1)
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=";", lineterminator="\n")
        if new:
            writer.writerow(BOOK_HEADER)
        # the addressee and address come from a letter: never a spreadsheet formula
        writer.writerow(
            safe_row(
                [count + 1, envelope.addressee, address, "", "", "", f"{envelope.outgoing_sign} ZPO", "", ""]
            )
        )
        with path.open("a", encoding="utf-8") as fh:
            fh.write(buf.getvalue())
            fh.flush()
            os.fsync(fh.fileno())


__all__ = ["BOOK", "BOOK_HEADER", "PostChannel"]
