"""Exceptions raised by the signatures package (see the tree in :mod:`signatures`)."""

from __future__ import annotations

from ezd.records.errors import EzdError


class SignatureError(EzdError):
    """Base of every exception raised on purpose by :mod:`signatures`."""


class SignerKeyError(SignatureError):
    """The signing key/certificate could not be loaded (bad PKCS#12, wrong password, unsupported key)."""


class SigningError(SignatureError):
    """Producing a signature failed (input unsuitable, library error)."""


class TimestampError(SignatureError):
    """A time-stamp authority could not be reached or returned an unusable response."""


class TrustConfigError(SignatureError):
    """Trust anchors / trusted list given to a verifier are unusable."""
