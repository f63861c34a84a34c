"""Choosing dispatch adapters from settings (called by the composition root).

Unset settings keep the embedded default: every channel writes to ``$EZD_HOME/outbox/<name>``.

* ``EZD_EPUAP_URL`` (+ ``EZD_EPUAP_PODMIOT``, ``EZD_EPUAP_REPLY_BOX``, and the system certificate
  ``EZD_EPUAP_CERT_P12`` + ``EZD_EPUAP_CERT_PASSWORD`` that WS-Security-signs every request, without
  which ePUAP refuses them) → :class:`EpuapSkrytkaChannel`;
* ``EZD_EDORECZENIA_URL`` (+ ``EZD_EDORECZENIA_TOKEN_URL``, ``EZD_EDORECZENIA_CLIENT_ID``,
  ``EZD_EDORECZENIA_CLIENT_SECRET``, ``EZD_EDORECZENIA_SENDER``) → :class:`EDoreczeniaChannel`;
* ``EZD_POST_DIR`` → :class:`PostChannel` (envelope labels + książka nadawcza in that folder).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ezd.channels.outbox import OutboxChannel
from ezd.channels.port import DispatchChannel

CHANNELS = ("epuap", "e-doreczenia", "poczta")


def _get(settings: Any, name: str) -> Any:
    value = getattr(settings, name, None)
    if value is not None and hasattr(value, "get_secret_value"):
        return value.get_secret_value()
    return value


def build_channels(settings: Any, home: Path) -> dict[str, DispatchChannel]:
    channels: dict[str, DispatchChannel] = {name: OutboxChannel(name, home / "outbox") for name in CHANNELS}
    if _get(settings, "epuap_url"):
        from ezd.channels.epuap import EpuapSkrytkaChannel
        from ezd.channels.wssec import load_system_certificate

        p12 = _get(settings, "epuap_cert_p12")
        if not p12:  # fail at start-up, not at the first letter: ePUAP refuses unsigned requests
            raise ValueError("EZD_EPUAP_URL is set but EZD_EPUAP_CERT_P12 (the system certificate) is not")
        channels["epuap"] = EpuapSkrytkaChannel(
            _get(settings, "epuap_url"),
            podmiot=_get(settings, "epuap_podmiot") or "",
            reply_box=_get(settings, "epuap_reply_box") or "",
            credentials=load_system_certificate(Path(p12), _get(settings, "epuap_cert_password") or ""),
        )
    if _get(settings, "edoreczenia_url"):
        from ezd.channels.edoreczenia import EDoreczeniaChannel

        channels["e-doreczenia"] = EDoreczeniaChannel(
            _get(settings, "edoreczenia_url"),
            sender_address=_get(settings, "edoreczenia_sender") or "",
            token_url=_get(settings, "edoreczenia_token_url") or "",
            client_id=_get(settings, "edoreczenia_client_id") or "",
            client_secret=_get(settings, "edoreczenia_client_secret") or "",
        )
    if _get(settings, "post_dir"):
        from ezd.channels.post import PostChannel

        channels["poczta"] = PostChannel(Path(_get(settings, "post_dir")))
    return channels


__all__ = ["CHANNELS", "build_channels"]
