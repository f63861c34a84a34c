"""The generic task form over the API: a Modeler-added task listed, refused, completed."""

from __future__ import annotations

from pathlib import Path

from tests.office.test_generic_task import open_keys, with_formal_check
from tests.office.test_office_seal import register
from tests.web.conftest import Site


def test_form_task_over_the_api(site: Site, tmp_path: Path) -> None:
    site.app.deploy_processes(with_formal_check(tmp_path))
    rpw = register(site.app, "ug-melgiew", "mg.kancelaria", "Urząd Gminy Mełgiew", 21)
    clerk = site.client("mg.kancelaria")
    (task,) = clerk.get("/api/v1/form-tasks").json()
    assert task["subject"] == rpw and task["fields"][0]["options"] == [
        ["kompletne", "Kompletne"],
        ["braki", "Braki formalne"],
    ]
    assert (
        site.client("sw.kancelaria").get(f"/api/v1/form-tasks/{task['id']}").status_code == 404
    )  # other office
    bad = clerk.post(
        f"/api/v1/form-tasks/{task['id']}/complete", json={"values": {"liczba_stron": "0", "wynik": "braki"}}
    )
    assert bad.status_code == 400 and "co najmniej 1" in bad.text
    done = clerk.post(f"/api/v1/form-tasks/{task['id']}/complete", json={"values": {"wynik": "kompletne"}})
    assert done.status_code == 200, done.text
    assert open_keys(site.app, f"ug-melgiew/{rpw}") == ["Task_Decree"]
    assert clerk.get("/api/v1/form-tasks").json() == []
