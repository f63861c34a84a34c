"""``ezd signatures ...`` commands (a Typer sub-app the main CLI mounts as ``app``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from ezd import xmlsafe
from signatures.errors import SignatureError
from signatures.pkcs12 import Pkcs12Signer
from signatures.port import Verdict
from signatures.report import to_json, to_text
from signatures.verify import XadesVerifier, load_certificates

app = typer.Typer(help="Sign and verify XAdES documents.", no_args_is_help=True)

PASSWORD_ENV = "EZD_SIGN_PASSWORD"


def _trusted_list_certs(path: Path) -> list[bytes]:
    """Service certificates from an ETSI TS 119 612 trusted list (only those whose status is granted)."""
    root = xmlsafe.parse(path.read_bytes())
    tsl = "http://uri.etsi.org/02231/v2#"
    out: list[bytes] = []
    for svc in root.iter(f"{{{tsl}}}ServiceInformation"):
        status = svc.findtext(f"{{{tsl}}}ServiceStatus") or ""
        if not status.endswith(("/granted", "/undersupervision", "/accredited")):
            continue
        for el in svc.iterfind(f".//{{{tsl}}}DigitalId/{{{tsl}}}X509Certificate"):
            if el.text:
                pem = (
                    "-----BEGIN CERTIFICATE-----\n"
                    + "".join(el.text.split())
                    + "\n-----END CERTIFICATE-----\n"
                )
                out.append(pem.encode())
    return out


@app.command()
def verify(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="signed XML or detached signature")
    ],
    json_output: Annotated[bool, typer.Option("--json", help="JSON report")] = False,
    trust: Annotated[
        Path | None, typer.Option("--trust", help="file or directory of trusted CA certs")
    ] = None,
    tl: Annotated[Path | None, typer.Option("--tl", help="ETSI trusted list XML")] = None,
    content: Annotated[Path | None, typer.Option("--content", help="detached content file")] = None,
) -> None:
    """Verify FILE; exit code 0 only for TOTAL-PASSED (1 INDETERMINATE, 2 TOTAL-FAILED, 3 not XML)."""
    anchors: list[bytes | Path] = []
    if trust is not None:
        anchors.append(trust)
    if tl is not None:
        anchors.extend(_trusted_list_certs(tl))
    verifier = XadesVerifier(anchors)
    try:
        data = file.read_bytes()
        result = verifier.verify_detached(data, content.read_bytes()) if content else verifier.verify(data)
    except xmlsafe.XMLRejected as exc:
        typer.echo(f"not acceptable XML: {exc}", err=True)
        raise typer.Exit(3) from None
    typer.echo(to_json(result) if json_output else to_text(result))
    raise typer.Exit({Verdict.TOTAL_PASSED: 0, Verdict.INDETERMINATE: 1}.get(result.verdict, 2))


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
    if tsa is not None:
        typer.echo("--tsa: XAdES-T is not implemented yet", err=True)
        raise typer.Exit(4)
    try:
        signer = Pkcs12Signer(key, password)
        data = file.read_bytes()
        signed = signer.sign_detached(data, uri=file.name) if detached else signer.sign_enveloped(data)
    except (SignatureError, xmlsafe.XMLRejected) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    target = out or file.with_name(file.name + (".xades" if detached else ".xades.xml"))
    target.write_bytes(signed)
    typer.echo(str(target))


__all__ = ["app", "load_certificates"]
