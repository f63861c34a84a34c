"""Read model for people: tenant-scoped queries with their authorization checks.

Split by concern: :mod:`.access` (who may read what, the access-log call), :mod:`.models` (the
typed read models, also the API's response schemas), :mod:`.tasks`, :mod:`.cases`,
:mod:`.case_view`, :mod:`.registers`, :mod:`.heads`, :mod:`.archive`.  Every read of a record is
written to the access log (:func:`ezd.services.audit.log_read`).

This module names the queries callers use, so ``queries.case_view(...)`` reads as before.
"""

from __future__ import annotations

from ezd.services.queries.access import (
    case_access,
    item_access,
    readable_case,
    require_any,
    require_member,
    shared_with,
    units_with,
)
from ezd.services.queries.archive import ArchiveFilter, disposal_list, open_loans, search_archive
from ezd.services.queries.case_view import case_view
from ezd.services.queries.cases import case_list, case_summary, document_version, shared_cases
from ezd.services.queries.heads import dashboard, overdue
from ezd.services.queries.registers import item_view, outgoing_register, rpw_list
from ezd.services.queries.tasks import approval_queue, my_tasks, task_groups

__all__ = [
    "ArchiveFilter",
    "approval_queue",
    "case_access",
    "case_list",
    "case_summary",
    "case_view",
    "dashboard",
    "disposal_list",
    "document_version",
    "item_access",
    "item_view",
    "my_tasks",
    "open_loans",
    "outgoing_register",
    "overdue",
    "readable_case",
    "require_any",
    "require_member",
    "rpw_list",
    "search_archive",
    "shared_cases",
    "shared_with",
    "task_groups",
    "units_with",
]
