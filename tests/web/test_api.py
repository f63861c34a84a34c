"""The REST API and sign-in: the main job, substitutes, sessions/CSRF, lockout, residents,
signed links, sharing between offices, error hygiene."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ezd.db.tables import AccessLog, CaseFile, MetrykaEntry
from ezd.demo import letters

from .conftest import make_site

T = "sp-swidnik"


def rpw_path(sign: str) -> str:
    _, number, year = sign.split("/")
    return f"/api/v1/tenants/{T}/incoming/{year}/{number}"


def access_rows(site, object_type: str, ref: str | None = None) -> int:  # type: ignore[no-untyped-def]
    with site.app.uow() as uow:
        q = select(func.count()).select_from(AccessLog).where(AccessLog.object_type == object_type)
        if ref:
            q = q.where(AccessLog.object_ref == ref)
        return int(uow.session.execute(q).scalar_one())


def test_main_job_through_the_api(site) -> None:  # type: ignore[no-untyped-def]
    main_job(site)


@pytest.mark.postgres
def test_main_job_through_the_api_on_postgresql(pg_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    pg_site = make_site(tmp_path / "ezd", database_url=pg_url)
    try:
        assert pg_site.web.state.db_gate is None  # PostgreSQL serialises nothing in the process
        main_job(pg_site)
    finally:
        pg_site.app.db.dispose()


def main_job(site) -> None:  # type: ignore[no-untyped-def]
    from ezd.workers.inprocess import run_pending

    kanc, boss, ref, arch = (
        site.client(f"sw.{r}") for r in ("kancelaria", "kierownik", "referent", "archiwista")
    )
    xml, jrwa = letters.incoming_letter(
        __import__("random").Random(3), "Starostwo Powiatowe w Świdniku", 1, date.today()
    )
    r = kanc.post(f"/api/v1/tenants/{T}/incoming", files={"file": ("pismo.xml", xml, "application/xml")})
    assert r.status_code == 201, r.text
    rpw = r.json()["rpw"]
    assert re.fullmatch(rf"RPW/\d+/{date.today().year}", rpw)
    run_pending(site.app)
    assert [t["task_key"] for t in kanc.get("/api/v1/tasks").json()] == ["Task_Decree"]
    assert kanc.post(f"{rpw_path(rpw)}/decree", json={"unit": "OR"}).status_code == 200
    assert boss.post(f"{rpw_path(rpw)}/assign", json={"referent": "sw.referent"}).status_code == 200
    assert ref.post(f"{rpw_path(rpw)}/case-decision", json={"jrwa": jrwa}).status_code == 200
    run_pending(site.app)
    tasks = ref.get("/api/v1/tasks").json()
    assert [t["task_key"] for t in tasks] == ["Task_Draft"]
    sign = tasks[0]["ref"]
    assert tasks[0]["deadline"] is not None

    before = access_rows(site, "case", sign)
    view = ref.get(f"/api/v1/tenants/{T}/cases/{sign}").json()
    assert access_rows(site, "case", sign) == before + 1
    assert view["state"] == "open" and view["can"]["draft"] and not view["can"]["approve"]
    assert "Task_Draft" in view["processes"][-1]["active"]

    reply = letters.reply_letter("Starostwo", sign, "Jan Kowalski", "pismo", date.today())
    assert (
        ref.post(
            f"/api/v1/tenants/{T}/cases/{sign}/draft", files={"file": ("odp.xml", reply, "application/xml")}
        ).status_code
        == 200
    )
    queue = boss.get(f"/api/v1/tenants/{T}/approvals").json()
    assert [q["case"] for q in queue] == [sign]
    r = boss.post(f"/api/v1/tenants/{T}/cases/{sign}/approval", json={"approved": False, "comment": ""})
    assert r.status_code == 400 and r.json()["detail"] == "Napisz, co poprawić, zwracając projekt."
    assert boss.post(f"/api/v1/tenants/{T}/cases/{sign}/approval", json={"approved": True}).status_code == 200
    run_pending(site.app)  # e-seal and dispatch
    out = kanc.get(f"/api/v1/tenants/{T}/outgoing").json()
    assert [o["case"] for o in out] == [sign]
    assert (
        kanc.post(f"/api/v1/tenants/{T}/cases/{sign}/delivery", json={"receipt_ref": "UPD-9"}).status_code
        == 200
    )
    run_pending(site.app)
    assert ref.get(f"/api/v1/tenants/{T}/cases/{sign}").json()["state"] == "closed"
    assert arch.post(f"/api/v1/tenants/{T}/archive/transfers", json={"case": sign}).status_code == 200
    run_pending(site.app)
    assert (
        arch.post(f"/api/v1/tenants/{T}/archive/transfers/{sign}", json={"accepted": True}).status_code == 200
    )
    run_pending(site.app)
    found = arch.get(
        f"/api/v1/tenants/{T}/archive/search", params={"q": sign.split(".")[1], "state": "archived"}
    ).json()
    assert [c["sign"] for c in found] == [sign]
    doc = ref.get(f"/api/v1/tenants/{T}/cases/{sign}").json()["documents"]
    signed = next(d for d in doc if d["direction"] == "outgoing")
    assert signed["signed"] and len(signed["versions"]) == 2
    verify = site.client("sw.admin").get(f"/api/v1/tenants/{T}/audit/verify").json()
    assert verify["ok"] and verify["entries"] > 10


def test_substitute_acts_within_the_absent_persons_rights_and_is_logged(site) -> None:  # type: ignore[no-untyped-def]
    sign = site.world.opened(T)
    admin, sub = site.client("sw.admin"), None
    today = date.today().isoformat()
    r = admin.post(
        f"/api/v1/tenants/{T}/substitutions",
        json={"absent": "sw.referent", "substitute": "sw.referent2", "start": today, "end": today},
    )
    assert r.status_code == 201, r.text
    sub = site.client("sw.referent2")
    mine = [t for t in sub.get("/api/v1/tasks").json() if t["ref"] == sign]
    assert mine and mine[0]["on_behalf_of"] == "sw.referent"
    reply = letters.reply_letter("Starostwo", sign, "Jan", "pismo", date.today())
    assert (
        sub.post(
            f"/api/v1/tenants/{T}/cases/{sign}/draft", files={"file": ("o.xml", reply, "application/xml")}
        ).status_code
        == 200
    )
    with site.app.uow() as uow:
        who = uow.session.execute(
            select(MetrykaEntry.actor, MetrykaEntry.on_behalf_of)
            .where(MetrykaEntry.action == "projekt_do_akceptacji")
            .order_by(MetrykaEntry.id.desc())
        ).first()
    assert who is not None and tuple(who) == ("sw.referent2", "sw.referent")
    # the substitution gives the absent person's rights only: not the head's approval
    assert sub.post(f"/api/v1/tenants/{T}/cases/{sign}/approval", json={"approved": True}).status_code == 403
    # and a substitution across offices is refused
    r = admin.post(
        f"/api/v1/tenants/{T}/substitutions",
        json={"absent": "sw.referent", "substitute": "mg.referent", "start": today, "end": today},
    )
    assert r.status_code == 404


def test_cookie_sessions_are_httponly_and_need_the_csrf_token(site) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(site.web, raise_server_exceptions=False)
    r = client.post("/api/v1/auth/login", json={"login": "sw.admin", "password": site.creds["sw.admin"]})
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "ezd_session=" in cookie
    body = {"code": "NEW1", "name": "Nowy wydział"}
    assert client.post(f"/api/v1/tenants/{T}/units", json=body).status_code == 403  # no CSRF header
    bad = client.post(f"/api/v1/tenants/{T}/units", json=body, headers={"X-CSRF-Token": "forged"})
    assert bad.status_code == 403
    ok = client.post(
        f"/api/v1/tenants/{T}/units", json=body, headers={"X-CSRF-Token": r.json()["csrf_token"]}
    )
    assert ok.status_code == 201
    assert (
        client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": r.json()["csrf_token"]}).status_code
        == 204
    )
    assert client.get("/api/v1/me").status_code == 401
    # the token is stored hashed: the raw token is not in the database
    with site.app.uow() as uow:
        from ezd.db.tables_web import WebSession

        hashes = list(uow.session.execute(select(WebSession.token_hash)).scalars())
    assert r.json()["token"] not in hashes


def test_repeated_failures_lock_the_account_until_an_admin_unlocks_it(site) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(site.web, raise_server_exceptions=False)
    for _ in range(5):
        assert (
            client.post(
                "/api/v1/auth/login", json={"login": "sw.referent", "password": "wrong-password"}
            ).status_code
            == 401
        )
    right = {"login": "sw.referent", "password": site.creds["sw.referent"]}
    locked = client.post("/api/v1/auth/login", json=right)
    assert locked.status_code == 401 and "zablokowane" in locked.json()["detail"]
    assert locked.json()["code"] == "not_authenticated"
    users = {u["login"]: u for u in site.client("sw.admin").get(f"/api/v1/tenants/{T}/users").json()}
    assert users["sw.referent"]["locked_until"] is not None
    assert site.client("sw.admin").post(f"/api/v1/tenants/{T}/users/sw.referent/unlock").status_code == 200
    assert client.post("/api/v1/auth/login", json=right).status_code == 200


def test_many_failures_from_one_address_are_throttled(site) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(site.web, raise_server_exceptions=False)
    codes = [
        client.post("/api/v1/auth/login", json={"login": f"nobody{k}", "password": "x"}).status_code
        for k in range(32)
    ]
    assert codes[:30] == [401] * 30 and codes[-1] == 429


def test_resident_sees_status_and_deadline_only_with_the_code(site) -> None:  # type: ignore[no-untyped-def]
    sign = site.world.opened(T)
    r = site.client("sw.kancelaria").post(f"/api/v1/tenants/{T}/cases/{sign}/access-code")
    code = r.json()["access_code"]
    with site.app.uow() as uow:
        stored = uow.session.execute(
            select(CaseFile.access_code_hash).where(CaseFile.sign == sign)
        ).scalar_one()
    assert stored.startswith("$argon2") and code.replace("-", "") not in stored
    anon = site.client()
    ok = anon.post("/api/v1/public/case-status", json={"tenant": T, "sign": sign, "code": code.lower()})
    assert ok.status_code == 200
    assert set(ok.json()) == {"office", "sign", "state", "opened_on", "deadline", "closed_on", "overdue"}
    assert ok.json()["state"] == "open" and ok.json()["deadline"]
    wrong = anon.post("/api/v1/public/case-status", json={"tenant": T, "sign": sign, "code": "AAAAA-AAAAA"})
    missing = anon.post(
        "/api/v1/public/case-status", json={"tenant": T, "sign": "OR.0001.999.2026", "code": code}
    )
    assert wrong.status_code == missing.status_code == 404
    assert wrong.json() == missing.json()


def test_signed_links_expire_cannot_be_forged_and_are_logged(site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    sign = site.world.opened(T)
    ref = site.client("sw.referent")
    doc = ref.get(f"/api/v1/tenants/{T}/cases/{sign}").json()["documents"][0]
    link = ref.get(f"/api/v1/tenants/{T}/documents/{doc['uid']}/versions/1/link").json()
    anon = site.client()
    before = access_rows(site, "document")
    got = anon.get(link["url"])
    assert (
        got.status_code == 200
        and got.content.startswith(b"<")
        and "attachment" in got.headers["content-disposition"]
    )
    assert access_rows(site, "document") == before + 1
    body, sig = link["url"].removeprefix("/files/").split(".")
    # flip one character of the MAC to a different one (a fixed suffix could equal the real MAC)
    forged = sig[:5] + ("B" if sig[5] != "B" else "C") + sig[6:]
    assert anon.get(f"/files/{body}.{forged}").status_code == 404
    # another office's person cannot even get a link
    other = site.client("mg.referent").get(f"/api/v1/tenants/{T}/documents/{doc['uid']}/versions/1/link")
    assert other.status_code == 404
    import time as _time

    real = _time.time
    monkeypatch.setattr("ezd.web.security.time.time", lambda: real() + 301)
    assert anon.get(link["url"]).status_code == 404


def test_shared_case_is_readable_by_the_partner_office_but_not_actionable(site) -> None:  # type: ignore[no-untyped-def]
    sign = site.world.in_approval(T)
    partner = site.client("mg.kierownik")
    assert partner.get(f"/api/v1/tenants/{T}/cases/{sign}").status_code == 404
    assert (
        site.client("sw.referent")
        .post(f"/api/v1/tenants/{T}/cases/{sign}/share", json={"tenant": "ug-melgiew"})
        .status_code
        == 403
    )
    assert (
        site.client("sw.kierownik")
        .post(f"/api/v1/tenants/{T}/cases/{sign}/share", json={"tenant": "ug-melgiew"})
        .status_code
        == 200
    )
    view = partner.get(f"/api/v1/tenants/{T}/cases/{sign}").json()
    assert view["access"] == "shared" and view["incoming"][0]["sender"] is None
    assert not any(view["can"][k] for k in ("draft", "approve", "share", "access_code"))
    assert [c["sign"] for c in partner.get("/api/v1/shared-cases").json()] == [sign]
    assert partner.get(f"/api/v1/tenants/{T}/cases").status_code == 403
    assert (
        partner.post(f"/api/v1/tenants/{T}/cases/{sign}/approval", json={"approved": True}).status_code == 403
    )
    assert site.client("mg.referent").get(f"/api/v1/tenants/{T}/incoming").status_code == 403


def test_errors_are_one_line_and_never_a_stack_trace(site) -> None:  # type: ignore[no-untyped-def]
    sign = site.world.opened(T)
    outsider = site.client("mg.kierownik")
    hidden = outsider.get(f"/api/v1/tenants/{T}/cases/{sign}")
    absent = outsider.get(f"/api/v1/tenants/{T}/cases/OR.0001.999.2026")
    assert hidden.status_code == absent.status_code == 404
    assert hidden.json()["detail"].replace(sign, "X") == absent.json()["detail"].replace(
        "OR.0001.999.2026", "X"
    )

    @site.web.get("/api/v1/test-boom")
    def boom() -> None:
        raise RuntimeError("secret internals /etc/passwd")

    r = site.client().get("/api/v1/test-boom")
    assert r.status_code == 500 and "secret" not in r.text and "Traceback" not in r.text
    bad_xml = site.client("sw.kancelaria").post(
        f"/api/v1/tenants/{T}/incoming",
        files={"file": ("x.xml", b"<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>", "application/xml")},
    )
    assert bad_xml.status_code == 400 and "\n" not in bad_xml.json()["detail"]


def test_registering_a_scan_needs_the_metadata_form(site) -> None:  # type: ignore[no-untyped-def]
    kanc = site.client("sw.kancelaria")
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    r = kanc.post(f"/api/v1/tenants/{T}/incoming", files={"file": ("skan.pdf", pdf, "application/pdf")})
    assert r.status_code == 400 and "wymaga metadanych" in r.json()["detail"]
    r = kanc.post(
        f"/api/v1/tenants/{T}/incoming",
        files={"file": ("skan.pdf", pdf, "application/pdf")},
        data={
            "sender": "Jan Kowalski",
            "title": "Wniosek o wypis",
            "channel": "poczta",
            "letter_date": date.today().isoformat(),
        },
    )
    assert r.status_code == 201, r.text
    item = kanc.get(rpw_path(r.json()["rpw"])).json()
    assert (item["sender"], item["channel"]) == ("Jan Kowalski", "poczta")


def test_jrwa_import_and_user_admin(site) -> None:  # type: ignore[no-untyped-def]
    admin = site.client("sw.admin")
    csv = "symbol;haslo;kategoria\n0;Zarządzanie;\n00;Organy;\n000;Wybory;A\n".encode()
    r = admin.post(f"/api/v1/tenants/{T}/jrwa", files={"file": ("jrwa.csv", csv, "text/csv")})
    assert r.status_code == 200 and r.json()["classes"] == 3
    bad = admin.post(
        f"/api/v1/tenants/{T}/jrwa",
        files={"file": ("jrwa.csv", b"symbol;haslo;kategoria\n0;X;Q7\n", "text/csv")},
    )
    assert bad.status_code == 400
    r = admin.post(
        f"/api/v1/tenants/{T}/users",
        json={
            "login": "sw.nowy",
            "full_name": "Jan Nowy",
            "password": "dlugie-haslo-123",
            "unit": "GK",
            "role": "referent",
        },
    )
    assert r.status_code == 201
    site.creds["sw.nowy"] = "dlugie-haslo-123"
    assert site.client("sw.nowy").get("/api/v1/me").json()["grants"][0]["unit"] == "GK"
