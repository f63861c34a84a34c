"""Roles as people call them ("administrator", not ``admin``): pages, the API and the CLI."""

from __future__ import annotations

from ezd.i18n import N_

ROLE = {
    "kancelaria": N_("kancelaria"),
    "referent": N_("referent"),
    "kierownik": N_("kierownik"),
    "sekretarz": N_("sekretarz"),
    "archiwista": N_("archiwista"),
    "admin": N_("administrator"),
}
