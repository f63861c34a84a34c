"""Fixtures of the web tests: a seeded home, signed-in clients, cases driven to each stage."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ezd.bootstrap import App, bootstrap
from ezd.config import Settings
from ezd.db.migrate import upgrade
from ezd.demo import letters
from ezd.demo.driver import Demo
from ezd.services import archive, cases, intake, outgoing
from ezd.services.lookup import case_by_sign, item_by_sign, tenant_by_code
from ezd.web.app import create_app

TENANT_NAMES = {"sp-swidnik": "Starostwo Powiatowe w Świdniku", "ug-melgiew": "Urząd Gminy Mełgiew"}
PREFIX = {"sp-swidnik": "sw", "ug-melgiew": "mg"}


def web_settings(home: Path, database_url: str | None = None) -> Settings:
    from tests.conftest import make_settings

    return make_settings(home, database_url=database_url)


def seeded_home(home: Path, database_url: str | None = None) -> App:
    app = bootstrap(web_settings(home, database_url))
    upgrade(app.db, "heads")
    Demo(app).prepare()
    return app


def read_credentials(home: Path) -> dict[str, str]:
    lines = (home / "demo-credentials.txt").read_text().splitlines()
    return {ln.split("\t")[0]: ln.split("\t")[1] for ln in lines if ln and not ln.startswith("#")}


@dataclass
class World:
    """Drives letters through the main job with the service layer, like the demo does."""

    app: App
    demo: Demo
    rng: random.Random = field(default_factory=lambda: random.Random(7))
    n: int = 0

    def register(self, tenant: str) -> tuple[str, str]:
        self.n += 1
        xml, jrwa = letters.incoming_letter(self.rng, TENANT_NAMES[tenant], self.n, date.today())
        kanc = self.demo.actor(f"{PREFIX[tenant]}.kancelaria")
        reg = self.demo.step(
            lambda d: intake.register_incoming(d, kanc, tenant=tenant, data=xml, filename=f"p{self.n}.xml")
        )
        self.demo.work()
        return reg.sign, jrwa

    def decreed(self, tenant: str) -> tuple[str, str]:
        rpw, jrwa = self.register(tenant)
        kanc = self.demo.actor(f"{PREFIX[tenant]}.kancelaria")
        self.demo.step(lambda d: intake.decree(d, kanc, tenant=tenant, rpw=rpw, unit="OR"))
        return rpw, jrwa

    def assigned(self, tenant: str) -> tuple[str, str]:
        rpw, jrwa = self.decreed(tenant)
        boss = self.demo.actor(f"{PREFIX[tenant]}.kierownik")
        ref = f"{PREFIX[tenant]}.referent"
        self.demo.step(lambda d: intake.assign_referent(d, boss, tenant=tenant, rpw=rpw, referent=ref))
        return rpw, jrwa

    def opened(self, tenant: str) -> str:
        rpw, jrwa = self.assigned(tenant)
        ref = self.demo.actor(f"{PREFIX[tenant]}.referent")
        self.demo.step(lambda d: cases.case_decision(d, ref, tenant=tenant, rpw=rpw, jrwa=jrwa))
        self.demo.work()

        def sign_of(d: Any) -> str:
            t = tenant_by_code(d.session, tenant)
            item = item_by_sign(d.session, t.id, rpw)
            from ezd.db.tables import CaseFile

            case = d.session.get(CaseFile, item.case_id)
            return str(case.sign)

        return str(self.demo.step(sign_of))

    def in_approval(self, tenant: str) -> str:
        sign = self.opened(tenant)
        ref = self.demo.actor(f"{PREFIX[tenant]}.referent")
        reply = letters.reply_letter(TENANT_NAMES[tenant], sign, "Jan Kowalski", "pismo", date.today())
        self.demo.step(
            lambda d: cases.submit_draft(
                d, ref, tenant=tenant, case_sign=sign, content=reply, filename="odp.xml"
            )
        )
        return sign

    def dispatched(self, tenant: str) -> str:
        sign = self.in_approval(tenant)
        boss = self.demo.actor(f"{PREFIX[tenant]}.kierownik")
        self.demo.step(lambda d: cases.decide_approval(d, boss, tenant=tenant, case_sign=sign, approved=True))
        self.demo.work()
        return sign

    def closed(self, tenant: str) -> str:
        sign = self.dispatched(tenant)
        self.demo.step(
            lambda d: outgoing.confirm_delivery(
                d, tenant=tenant, case_sign=sign, receipt_ref="UPD", actor_login="t"
            )
        )
        self.demo.work()
        return sign

    def in_transfer(self, tenant: str) -> str:
        sign = self.closed(tenant)
        self.demo.step(lambda d: archive.start_transfer(d, tenant=tenant, case_sign=sign))
        self.demo.work()
        return sign

    def archived(self, tenant: str) -> str:
        sign = self.in_transfer(tenant)
        arch = self.demo.actor(f"{PREFIX[tenant]}.archiwista")
        self.demo.step(
            lambda d: archive.decide_transfer(d, arch, tenant=tenant, case_sign=sign, accepted=True)
        )
        self.demo.work()
        return sign

    def case_state(self, tenant: str, sign: str) -> str:
        return str(
            self.demo.step(
                lambda d: case_by_sign(d.session, tenant_by_code(d.session, tenant).id, sign).state
            )
        )


@dataclass
class Site:
    app: App
    web: FastAPI
    home: Path
    creds: dict[str, str]
    world: World
    _tokens: dict[str, str] = field(default_factory=dict)

    def client(self, login: str | None = None) -> TestClient:
        """A client signed in with a bearer token (None: anonymous)."""
        client = TestClient(self.web, raise_server_exceptions=False)
        if login is not None:
            if login not in self._tokens:
                r = client.post("/api/v1/auth/login", json={"login": login, "password": self.creds[login]})
                assert r.status_code == 200, r.text
                self._tokens[login] = r.json()["token"]
            client.headers["Authorization"] = f"Bearer {self._tokens[login]}"
        return client


def make_site(home: Path, database_url: str | None = None) -> Site:
    app = seeded_home(home, database_url)
    web = create_app(app)
    return Site(app, web, home, read_credentials(home), World(app, Demo(app)))


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    s = make_site(tmp_path / "ezd")
    yield s
    s.app.db.dispose()


@pytest.fixture(scope="module")
def shared_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    s = make_site(tmp_path_factory.mktemp("web") / "ezd")
    yield s
    s.app.db.dispose()


Call = Callable[[TestClient], Any]
