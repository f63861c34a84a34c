"""Messages a person reads, in their language: the catalogue (:mod:`ezd.i18n.catalogue`), the
service errors' catalogue messages (:mod:`ezd.i18n.errors`) and the role names.

A leaf package (an import-linter contract): the web layer, the API and the CLI import it, it
imports no other part of ezd.
"""

from __future__ import annotations


def N_(text: str) -> str:
    """Mark a message for extraction; translated later, where the language is known."""
    return text
