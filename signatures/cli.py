"""``ezd signatures ...`` commands (a Typer sub-app the main CLI mounts as ``app``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from ezd import xmlsafe
from ezd.signatures.detached import content_beside, content_given, external_uris
from ezd.signatures.ocsp import OcspChecker, RevocationChain
from ezd.signatures.pades import PadesVerifier, is_pdf
from ezd.signatures.pkcs12 import Pkcs12Signer
from ezd.signatures.port import Verdict
from ezd.signatures.report import to_json, to_text
from ezd.signatures.revocation import CrlChecker, load_crls
from ezd.signatures.tsp import TsaClient
from ezd.signatures.verify import XadesVerifier, load_certificates

app = typer.Typer(help="Sign and verify XAdES documents.", no_args_is_help=True)

PASSWORD_ENV = "EZD_SIGN_PASSWORD"


TSL = "http://uri.etsi.org/02231/v2#"


def _trusted_list_services(root: Any) -> list[tuple[bytes, str, str]]:
    """(PEM, service name, status URI) of every service certificate in an ETSI TS 119 612 list."""
    out: list[tuple[bytes, str, str]] = []
    for svc in root.iter(f"{{{TSL}}}ServiceInformation"):
        status = svc.findtext(f"{{{TSL}}}ServiceStatus") or ""
        name = " ".join((svc.findtext(f"{{{TSL}}}ServiceName/{{{TSL}}}Name") or "").split())
        for el in svc.iterfind(f".//{{{TSL}}}DigitalId/{{{TSL}}}X509Certificate"):
            if el.text:
                pem = (
                    "-----BEGIN CERTIFICATE-----\n"
                    + "".join(el.text.split())
                    + "\n-----END CERTIFICATE-----\n"
                )
                out.append((pem.encode(), name, status))
    return out


def _granted(status: str) -> bool:
    return status.endswith(("/granted", "/undersupervision", "/accredited"))


def _load_trusted_list(path: Path, signer: Path | None) -> tuple[list[tuple[bytes, str, str]], str]:
    """Services of the TL; when ``signer`` is given the TL's own XAdES signature must pass with it
    as the anchor, and only the signed content is read."""
    data = path.read_bytes()
    if signer is None:
        return _trusted_list_services(xmlsafe.parse(data)), "signature of the trusted list NOT verified"
    result = XadesVerifier([signer]).verify(data)
    if not result.passed or result.signed_root is None:
        raise typer.BadParameter(
            f"trusted list signature not valid: {'; '.join(result.reasons)}", param_hint="--tl"
        )
    return _trusted_list_services(result.signed_root), "signature of the trusted list verified"


def _trusted_list_certs(path: Path) -> list[bytes]:
    """Service certificates from an ETSI TS 119 612 trusted list (only those whose status is granted)."""
    return [
        pem for pem, _, status in _trusted_list_services(xmlsafe.parse(path.read_bytes())) if _granted(status)
    ]


@app.command()
def verify(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="signed XML, detached signature or signed PDF")
    ],
    json_output: Annotated[bool, typer.Option("--json", help="JSON report")] = False,
    trust: Annotated[
        Path | None, typer.Option("--trust", help="file or directory of trusted CA certs")
    ] = None,
    tl: Annotated[Path | None, typer.Option("--tl", help="ETSI trusted list XML")] = None,
    content: Annotated[
        list[Path] | None,
        typer.Option(
            "--content",
            exists=True,
            dir_okay=False,
            help="detached content file (repeatable; default: the referenced files next to FILE)",
        ),
    ] = None,
    tl_signer: Annotated[
        Path | None, typer.Option("--tl-signer", help="certificate that must have signed the --tl list")
    ] = None,
    offline: Annotated[bool, typer.Option("--offline", help="no OCSP/CRL requests")] = False,
) -> None:
    """Verify FILE; exit code 0 only for TOTAL-PASSED (1 INDETERMINATE, 2 TOTAL-FAILED, 3 not XML)."""
    anchors: list[bytes | Path] = []
    if trust is not None:
        anchors.append(trust)
    services: list[tuple[bytes, str, str]] = []
    tl_note = None
    if tl is not None:
        try:
            services, tl_note = _load_trusted_list(tl, tl_signer)
        except xmlsafe.XMLRejected as exc:
            typer.echo(f"trusted list is not acceptable XML: {exc}", err=True)
            raise typer.Exit(3) from None
        anchors.extend(pem for pem, _, status in services if _granted(status))
    # CRLs lying in the trust directory answer first (the demo CA publishes its CRLs there)
    local_crls = load_crls(trust) if trust is not None else []
    revocation = None if offline else RevocationChain([OcspChecker(), CrlChecker(local=local_crls)])
    verifier = XadesVerifier(anchors, revocation=revocation)
    data = file.read_bytes()
    if is_pdf(data):
        # PAdES: the same anchors and revocation setting, verified by pyHanko
        result = PadesVerifier(anchors, online=not offline).verify(data)
        typer.echo(to_json(result) if json_output else to_text(result))
        raise typer.Exit({Verdict.TOTAL_PASSED: 0, Verdict.INDETERMINATE: 1}.get(result.verdict, 2))
    try:
        uris = external_uris(data)
        detached = content_given(content, uris) if content else content_beside(file, uris)
        result = verifier.verify_detached(data, detached) if uris else verifier.verify(data)
    except xmlsafe.XMLRejected as exc:
        typer.echo(f"not acceptable XML: {exc}", err=True)
        raise typer.Exit(3) from None
    if tl is not None:
        _add_trusted_list_status(result, services, tl_note or "")
    typer.echo(to_json(result) if json_output else to_text(result))
    raise typer.Exit({Verdict.TOTAL_PASSED: 0, Verdict.INDETERMINATE: 1}.get(result.verdict, 2))


def _add_trusted_list_status(result: Any, services: list[tuple[bytes, str, str]], note: str) -> None:
    """Per signature: the trusted-list service its chain ends in (name + status), if any."""
    by_subject: dict[str, dict[str, str | None]] = {}
    for pem, name, status in services:
        for cert in load_certificates(pem):
            by_subject[cert.subject.rfc4514_string()] = {"service": name, "status": status, "list": note}
    for rep in result.signatures:
        chain = rep.details.get("chain")
        top = str(chain[-1]) if isinstance(chain, list) and chain else ""
        rep.details["trusted_list"] = by_subject.get(
            top, {"service": None, "status": "not on the list", "list": note}
        )


@app.command()
def sign(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
    key: Annotated[Path, typer.Option("--key", exists=True, dir_okay=False, help="PKCS#12 with the e-seal")],
    out: Annotated[
        Path | None, typer.Option("-o", "--out", help="output file (default: FILE.xades.xml)")
    ] = None,
    tsa: Annotated[str | None, typer.Option("--tsa", help="RFC 3161 TSA URL (XAdES-T)")] = None,
    detached: Annotated[bool, typer.Option("--detached", help="detached signature over FILE")] = False,
) -> None:
    """Sign FILE with the e-seal (password from $EZD_SIGN_PASSWORD or a prompt)."""
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        password = typer.prompt("PKCS#12 password", hide_input=True)
    # a SignatureError or rejected XML is an EzdError: ezd.cli maps it to one line and exit 2
    signer = Pkcs12Signer(key, password, tsa=TsaClient(tsa) if tsa else None)
    data = file.read_bytes()
    signed = signer.sign_detached(data, uri=file.name) if detached else signer.sign_enveloped(data)
    target = out or file.with_name(file.name + (".xades" if detached else ".xades.xml"))
    target.write_bytes(signed)
    typer.echo(str(target))


__all__ = ["app", "load_certificates"]
