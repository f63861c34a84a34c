"""QcStatements (ETSI EN 319 412-5) encoding and reading.

``cryptography`` does not model the qcStatements extension, so it is carried as an
:class:`~cryptography.x509.UnrecognizedExtension` whose DER we build and read with the small
DER helpers below.  Only the statements ezd cares about are interpreted (QcCompliance, QcSSCD,
QcType); anything else is reported by OID so a reviewer can still see it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography import x509

OID_QC_STATEMENTS = x509.ObjectIdentifier("1.3.6.1.5.5.7.1.3")
OID_QC_COMPLIANCE = "0.4.0.1862.1.1"
OID_QC_SSCD = "0.4.0.1862.1.4"
OID_QC_TYPE = "0.4.0.1862.1.6"
OID_QCT_ESIGN = "0.4.0.1862.1.6.1"
OID_QCT_ESEAL = "0.4.0.1862.1.6.2"
OID_QCT_WEB = "0.4.0.1862.1.6.3"

_QC_TYPE_NAMES = {OID_QCT_ESIGN: "esign", OID_QCT_ESEAL: "eseal", OID_QCT_WEB: "web"}
_QC_TYPE_OIDS = {v: k for k, v in _QC_TYPE_NAMES.items()}


class DERError(ValueError):
    """Malformed DER in an extension we tried to interpret."""


# --- minimal DER -------------------------------------------------------------------------------


def _der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def der_tlv(tag: int, body: bytes) -> bytes:
    return bytes([tag]) + _der_len(len(body)) + body


def der_sequence(*items: bytes) -> bytes:
    return der_tlv(0x30, b"".join(items))


def der_oid(dotted: str) -> bytes:
    arcs = [int(a) for a in dotted.split(".")]
    if len(arcs) < 2:
        raise ValueError(f"bad OID {dotted!r}")
    out = bytearray()
    for arc in [arcs[0] * 40 + arcs[1], *arcs[2:]]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out.extend(reversed(chunk))
    return der_tlv(0x06, bytes(out))


def der_read(data: bytes, pos: int = 0) -> tuple[int, bytes, int]:
    """Read one TLV at ``pos``: (tag, body, next position).  Definite lengths only (DER)."""
    if pos + 2 > len(data):
        raise DERError("truncated TLV")
    tag = data[pos]
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        n = length & 0x7F
        if n == 0 or n > 4 or pos + n > len(data):
            raise DERError("bad length")
        length = int.from_bytes(data[pos : pos + n], "big")
        pos += n
    end = pos + length
    if end > len(data):
        raise DERError("truncated value")
    return tag, data[pos:end], end


def der_items(body: bytes) -> list[tuple[int, bytes]]:
    items = []
    pos = 0
    while pos < len(body):
        tag, value, pos = der_read(body, pos)
        items.append((tag, value))
    return items


def decode_oid(body: bytes) -> str:
    arcs: list[int] = []
    value = 0
    for b in body:
        value = (value << 7) | (b & 0x7F)
        if not b & 0x80:
            arcs.append(value)
            value = 0
    if not arcs:
        raise DERError("empty OID")
    first = arcs[0]
    head = [0, first] if first < 40 else [1, first - 40] if first < 80 else [2, first - 80]
    return ".".join(str(a) for a in head + arcs[1:])


# --- QcStatements ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QcInfo:
    """What the qcStatements extension of a certificate claims."""

    present: bool = False
    compliance: bool = False
    sscd: bool = False
    types: tuple[str, ...] = ()  # "esign" / "eseal" / "web" / raw OID for unknown types
    other_statements: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, object]:
        return {
            "present": self.present,
            "QcCompliance": self.compliance,
            "QcSSCD": self.sscd,
            "QcType": list(self.types),
            "other": list(self.other_statements),
        }


def encode_qc_statements(
    *, compliance: bool = True, sscd: bool = True, qc_types: tuple[str, ...] = ("eseal",)
) -> bytes:
    statements = []
    if compliance:
        statements.append(der_sequence(der_oid(OID_QC_COMPLIANCE)))
    if sscd:
        statements.append(der_sequence(der_oid(OID_QC_SSCD)))
    if qc_types:
        type_oids = [der_oid(_QC_TYPE_OIDS.get(t, t)) for t in qc_types]
        statements.append(der_sequence(der_oid(OID_QC_TYPE), der_sequence(*type_oids)))
    return der_sequence(*statements)


def qc_statements_extension(
    *, compliance: bool = True, sscd: bool = True, qc_types: tuple[str, ...] = ("eseal",)
) -> x509.UnrecognizedExtension:
    der = encode_qc_statements(compliance=compliance, sscd=sscd, qc_types=qc_types)
    return x509.UnrecognizedExtension(OID_QC_STATEMENTS, der)


def parse_qc_statements(der: bytes) -> QcInfo:
    tag, body, end = der_read(der)
    if tag != 0x30 or end != len(der):
        raise DERError("qcStatements is not a single SEQUENCE")
    compliance = sscd = False
    types: list[str] = []
    other: list[str] = []
    for stag, sbody in der_items(body):
        if stag != 0x30:
            raise DERError("QCStatement is not a SEQUENCE")
        parts = der_items(sbody)
        if not parts or parts[0][0] != 0x06:
            raise DERError("QCStatement without statementId")
        oid = decode_oid(parts[0][1])
        if oid == OID_QC_COMPLIANCE:
            compliance = True
        elif oid == OID_QC_SSCD:
            sscd = True
        elif oid == OID_QC_TYPE:
            if len(parts) > 1 and parts[1][0] == 0x30:
                for ttag, tbody in der_items(parts[1][1]):
                    if ttag == 0x06:
                        toid = decode_oid(tbody)
                        types.append(_QC_TYPE_NAMES.get(toid, toid))
        else:
            other.append(oid)
    return QcInfo(True, compliance, sscd, tuple(types), tuple(other))


def read_qc_statements(cert: x509.Certificate) -> QcInfo:
    """QcStatements of ``cert``; ``QcInfo(present=False)`` when absent.  Raises DERError if malformed."""
    try:
        ext = cert.extensions.get_extension_for_oid(OID_QC_STATEMENTS)
    except x509.ExtensionNotFound:
        return QcInfo()
    value = ext.value
    if isinstance(value, x509.UnrecognizedExtension):
        return parse_qc_statements(value.value)
    # a future cryptography might parse it; fall back to its DER
    return parse_qc_statements(value.public_bytes())
