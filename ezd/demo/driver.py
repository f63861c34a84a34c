"""Drive N letters through the whole main job, as the office's people would.

Every step goes through the same service-layer calls the web UI uses, each in its own
transaction (one person's click = one commit); workers run in-process between steps.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ezd import outgoing_xml
from ezd.bootstrap import App
from ezd.demo import letters
from ezd.demo.seed import TENANTS, DemoTenant, ensure_keys, is_seeded, login, seed
from ezd.services import archive, cases, intake, outgoing
from ezd.services.actor import Actor, load_actor, system_actor
from ezd.services.deps import Deps
from ezd.services.lookup import business_key, case_by_sign, item_by_sign, tenant_by_code
from ezd.workers.inprocess import run_pending


@dataclass
class DemoResult:
    documents: int = 0
    signed_incoming: int = 0
    cases_opened: int = 0
    attached_to_existing: int = 0
    returned_for_changes: int = 0
    cases_archived: int = 0
    elapsed_s: float = 0.0
    seeded: bool = False
    credentials_file: str | None = None
    case_signs: list[str] = field(default_factory=list)

    @property
    def cases_per_s(self) -> float:
        return self.cases_archived / self.elapsed_s if self.elapsed_s else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "signed_incoming": self.signed_incoming,
            "cases_opened": self.cases_opened,
            "attached_to_existing": self.attached_to_existing,
            "returned_for_changes": self.returned_for_changes,
            "cases_archived": self.cases_archived,
            "elapsed_s": round(self.elapsed_s, 3),
            "cases_per_s": round(self.cases_per_s, 2),
            "seeded": self.seeded,
        }


class Demo:
    def __init__(self, app: App, seed_value: int = 2026, *, shared: bool = False) -> None:
        self.app = app
        self.rng = random.Random(seed_value)
        self.seed_value = seed_value
        self._letter_base = 0
        self._actors: dict[str, Actor] = {}
        # shared: other drivers work on the same installation at the same time (the benchmark's
        # concurrent clerks), so waiting for the workers means waiting for our own processes
        self.shared = shared
        self._opened: list[tuple[str, str]] = []  # (tenant, case sign) opened by the current run

    def prepare(self) -> DemoResult:
        result = DemoResult()
        ensure_keys(self.app.settings)
        with self.app.uow() as uow:
            if not is_seeded(uow.session):
                result.credentials_file = str(seed(uow.session, self.app.settings))
                result.seeded = True
            uow.commit()
        self.app.deploy_processes()
        return result

    def actor(self, name: str) -> Actor:
        if name not in self._actors:
            with self.app.uow() as uow:
                self._actors[name] = load_actor(uow.session, name, date.today())
        return self._actors[name]

    def step(self, fn: Callable[[Deps], Any]) -> Any:
        with self.app.uow() as uow:
            value = fn(self.app.deps(uow.session))
            uow.commit()
        return value

    def work(self, *business_keys: str) -> None:
        """Let the workers carry the processes of ``business_keys`` to their next wait state."""
        if self.app.settings.engine_url:
            # Distributed: the external workers ('ezd worker external') run the tasks. A step
            # that met a restarting engine left its commands in the outbox: send them first,
            # or the engine looks idle only because it has not heard of that step yet.
            from ezd.workers.external import wait_idle
            from ezd.workflow.outbox import deliver

            keys = business_keys if self.shared else ()
            assert self.app.remote_engine is not None
            deliver(self.app.sessions, self.app.remote_engine, keys)
            wait_idle(self.app, business_keys=keys)
        else:
            run_pending(self.app)

    def _resident_signer(self) -> Any:
        from ezd.signatures.pkcs12 import Pkcs12Signer

        if not hasattr(self, "_resident"):
            keys = self.app.settings.keys_dir
            password = (keys / "eseal.password").read_text().strip()
            self._resident = Pkcs12Signer(keys / "resident.p12", password.encode())
        return self._resident

    def run(
        self, documents: int, progress: Callable[[int], None] | None = None, *, prepare: bool = True
    ) -> DemoResult:
        result = self.prepare() if prepare else DemoResult()
        self._opened = []
        # every run writes new letters: the same letter twice would be (rightly) stopped as a
        # duplicate registration; drivers sharing an installation differ by their seed
        self._letter_base = self.step(_registered_count) + (self.seed_value * 100_000 if self.shared else 0)
        started = time.perf_counter()
        # Letters 6/7 of every ten open a case that waits; letters 8/9 (the next letter of the same
        # office) are attached to it before it is handled -- the "attach to an existing case" path.
        waiting: dict[str, tuple[str, Actor, Actor, int]] = {}
        for n in range(documents):
            tenant = TENANTS[n % len(TENANTS)]
            self.one_letter(tenant, n, result, waiting)
            result.documents += 1
            if progress:
                progress(1)
        for code, (sign, referent, boss, n) in list(waiting.items()):
            self._handle_case(_tenant(code), sign, referent, boss, n, result)
        # counted from the records, after the last step: one read for all cases of this run
        result.cases_archived = self.step(lambda d: _archived(d, self._opened))
        result.elapsed_s = time.perf_counter() - started
        return result

    def one_letter(
        self, t: DemoTenant, n: int, result: DemoResult, waiting: dict[str, tuple[str, Actor, Actor, int]]
    ) -> None:
        today = date.today()
        xml, jrwa = letters.incoming_letter(self.rng, t.name, self._letter_base + n, today)
        if n % 2 == 1:
            xml = self._resident_signer().sign_enveloped(xml)
            result.signed_incoming += 1
        kanc = self.actor(login(t, "kancelaria"))
        reg = self.step(
            lambda d: intake.register_incoming(d, kanc, tenant=t.code, data=xml, filename=f"pismo-{n}.xml")
        )
        item_key = business_key(t.code, reg.sign)
        self.work(item_key)
        self.step(lambda d: intake.decree(d, kanc, tenant=t.code, rpw=reg.sign, unit="OR"))
        boss = self.actor(login(t, "kierownik"))
        referent_login = login(t, "referent" if n % 3 else "referent2")
        self.step(
            lambda d: intake.assign_referent(d, boss, tenant=t.code, rpw=reg.sign, referent=referent_login)
        )
        referent = self.actor(referent_login)
        if t.code in waiting and n % 10 in (8, 9):
            target, case_referent, case_boss, case_n = waiting.pop(t.code)
            self.step(
                lambda d: cases.case_decision(d, referent, tenant=t.code, rpw=reg.sign, attach_to=target)
            )
            self.work(item_key)
            result.attached_to_existing += 1
            self._handle_case(t, target, case_referent, case_boss, case_n, result)
            return
        self.step(lambda d: cases.case_decision(d, referent, tenant=t.code, rpw=reg.sign, jrwa=jrwa))
        self.work(item_key)
        sign = self.step(lambda d: _case_of(d, t.code, reg.sign))
        result.cases_opened += 1
        result.case_signs.append(sign)
        self._opened.append((t.code, sign))
        if n % 10 in (6, 7):
            waiting[t.code] = (sign, referent, boss, n)
            return
        self._handle_case(t, sign, referent, boss, n, result)

    def _handle_case(
        self, t: DemoTenant, sign: str, referent: Actor, boss: Actor, n: int, result: DemoResult
    ) -> None:
        today = date.today()
        case_key = business_key(t.code, sign)
        addressee = self.step(lambda d: _sender_of(d, t.code, sign))
        # every fourth reply is a PDF (sealed with PAdES), the rest ePUAP XML (XAdES): both paths
        # run in every demo, embedded and distributed
        as_pdf = n % 4 == 2
        make = letters.reply_pdf if as_pdf else outgoing_xml.reply_letter
        reply = make(t.name, sign, addressee, "Państwa pismo", today)
        submit = lambda d: cases.submit_draft(  # noqa: E731
            d,
            referent,
            tenant=t.code,
            case_sign=sign,
            content=reply,
            filename="odpowiedz.pdf" if as_pdf else "odpowiedz.xml",
            addressee=addressee,
        )
        self.step(submit)
        if n % 5 == 0:
            self.step(
                lambda d: cases.decide_approval(
                    d,
                    boss,
                    tenant=t.code,
                    case_sign=sign,
                    approved=False,
                    comment="Proszę uzupełnić podstawę prawną.",
                )
            )
            result.returned_for_changes += 1
            self.step(submit)
        self.step(lambda d: cases.decide_approval(d, boss, tenant=t.code, case_sign=sign, approved=True))
        self.work(case_key)  # sign, dispatch
        self.step(
            lambda d: outgoing.confirm_delivery(
                d, tenant=t.code, case_sign=sign, receipt_ref=f"UPD-{sign}", actor_login="system:epuap"
            )
        )
        self.work(case_key)  # close
        # two full calendar years later the case goes to the archiwum zakładowe
        self.step(lambda d: archive.start_transfer(d, tenant=t.code, case_sign=sign))
        self.work(case_key)
        archivist = self.actor(login(t, "archiwista"))
        self.step(
            lambda d: archive.decide_transfer(d, archivist, tenant=t.code, case_sign=sign, accepted=True)
        )
        self.work(case_key)


def _tenant(code: str) -> DemoTenant:
    return next(t for t in TENANTS if t.code == code)


def _case_of(deps: Deps, tenant: str, rpw: str) -> str:
    t = tenant_by_code(deps.session, tenant)
    item = item_by_sign(deps.session, t.id, rpw)
    if item.case_id is None:
        raise RuntimeError(f"{rpw}: the case was not created (see 'ezd case list' and worker incidents)")
    from ezd.db.tables import CaseFile

    case = deps.session.get(CaseFile, item.case_id)
    if case is None:
        raise RuntimeError(f"{rpw}: its case #{item.case_id} does not exist")
    return case.sign


def _archived(deps: Deps, cases: list[tuple[str, str]]) -> int:
    from sqlalchemy import func, select, tuple_

    from ezd.db.tables import CaseFile, Tenant

    found = 0
    for start in range(0, len(cases), 500):  # bounded IN lists (SQLite caps bound parameters)
        found += int(
            deps.session.scalar(
                select(func.count())
                .select_from(CaseFile)
                .join(Tenant, Tenant.id == CaseFile.tenant_id)
                .where(
                    tuple_(Tenant.code, CaseFile.sign).in_(cases[start : start + 500]),
                    CaseFile.state == "archived",
                )
            )
            or 0
        )
    return found


def _sender_of(deps: Deps, tenant: str, case_sign: str) -> str:
    from sqlalchemy import select

    from ezd.db.tables import IncomingItem

    t = tenant_by_code(deps.session, tenant)
    case = case_by_sign(deps.session, t.id, case_sign)
    item = deps.session.execute(
        select(IncomingItem).where(IncomingItem.case_id == case.id).order_by(IncomingItem.id).limit(1)
    ).scalar_one()
    return item.sender


__all__ = ["Demo", "DemoResult", "system_actor"]


def _registered_count(deps: Deps) -> int:
    from sqlalchemy import func, select

    from ezd.db.tables import IncomingItem

    return int(deps.session.scalar(select(func.count()).select_from(IncomingItem)) or 0)
