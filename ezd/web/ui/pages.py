"""All page routers, mounted at the site root."""

from __future__ import annotations

from fastapi import APIRouter

from ezd.web.ui import (
    admin_office_pages,
    admin_pages,
    archive_pages,
    archivist_pages,
    casework,
    disposal_pages,
    form_task_pages,
    incident_pages,
    item_labels,
    kpa_pages,
    office,
    public_pages,
    spis_pages,
    task_pages,
    viewer,
)

router = APIRouter(include_in_schema=False)
for sub in (
    public_pages.router,
    task_pages.router,
    form_task_pages.router,
    item_labels.router,
    office.router,
    casework.router,
    kpa_pages.router,
    archive_pages.router,
    archivist_pages.router,
    disposal_pages.router,
    spis_pages.router,
    admin_pages.router,
    incident_pages.router,
    admin_office_pages.router,
    viewer.router,
):
    router.include_router(sub)
