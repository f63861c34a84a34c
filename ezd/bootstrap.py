"""The composition root: the one place that picks adapters from settings and wires them.

Nothing here runs at import; call :func:`bootstrap`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from ezd.channels.factory import build_channels
from ezd.channels.port import DispatchChannel
from ezd.config import Settings
from ezd.db.engine import make_engine, make_session_factory
from ezd.db.uow import UnitOfWork, commit_hooks
from ezd.jobs.handlers import HANDLERS, Handler
from ezd.jobs.periodic import PeriodicJobs
from ezd.services.deps import Deps
from ezd.services.processes import DeployedProcess, ProcessVersion
from ezd.signatures.port import Signer, Verifier
from ezd.storage.port import ObjectStore
from ezd.workflow.port import WorkflowEngine

CHANNELS = ("epuap", "e-doreczenia", "poczta")


@dataclass
class App:
    settings: Settings
    db: Engine
    sessions: sessionmaker[Session]
    store: ObjectStore
    channels: dict[str, DispatchChannel]
    _engine_for: Callable[[Session], WorkflowEngine]
    # remote engine only: the REST client itself, for the outbox relay (see workflow/outbox.py)
    remote_engine: WorkflowEngine | None = field(default=None)
    _signer: Signer | None = field(default=None)
    _verifier: Verifier | None = field(default=None)
    # office seals opened so far, by (office, seal row id, import time): a re-import opens the new one
    _office_signers: dict[tuple[str, int, object], Signer] = field(default_factory=dict)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions)

    def engine(self, session: Session) -> WorkflowEngine:
        """The workflow engine; the embedded one works inside ``session``'s transaction."""
        return self._engine_for(session)

    @property
    def signer(self) -> Signer:
        if self._signer is None:
            self._signer = _load_signer(self.settings)
        return self._signer

    @property
    def verifier(self) -> Verifier:
        if self._verifier is None:
            self._verifier = _load_verifier(self.settings)
        return self._verifier

    def office_signer(self, session: Session, office: str) -> Signer:
        from ezd.services.seals import office_seal_key, open_signer

        key = office_seal_key(session, office)  # one small read per step: expiry and re-imports count
        cache_key = (office, key.row_id, key.imported_at)
        signer = self._office_signers.get(cache_key)
        if signer is None:
            signer = self._office_signers[cache_key] = open_signer(self.settings, key)
        return signer

    def resume_sealing(self, office: str) -> int:
        """After a seal import: the office's held sealing steps get their retries back."""
        from ezd.services.seals import SEALING_TOPICS
        from ezd.workers.execute import DEFAULT_RETRIES

        with self.uow() as uow:
            engine = self.remote_engine or self.engine(uow.session)
            resumed = engine.retry_exhausted_tasks(SEALING_TOPICS, f"{office}/", DEFAULT_RETRIES)
            uow.commit()
        return resumed

    def deps(self, session: Session, engine: WorkflowEngine | None = None) -> Deps:
        """What services and handlers get in ``session``'s transaction (``engine``: instead of
        the app's, e.g. a worker's deferring engine)."""
        return Deps(
            session=session,
            engine=engine or self.engine(session),
            store=self.store,
            settings=self.settings,
            channels=self.channels,
            get_signer=lambda: self.signer,
            get_verifier=lambda: self.verifier,
            get_office_signer=self.office_signer,
        )

    @property
    def handlers(self) -> Mapping[str, Handler]:
        """The handler of every BPMN topic, for the runners (ezd.workers.runtime.WorkerApp)."""
        return HANDLERS

    @cached_property
    def jobs(self) -> PeriodicJobs:
        return PeriodicJobs(self)

    @cached_property
    def bpmn_files(self) -> list[Path]:
        return sorted(Path(self.settings.bpmn_dir).glob("*.bpmn"))

    @property
    def engine_id(self) -> str:
        """Which engine the deployment ledger speaks of: one database may serve several in tests."""
        if self.settings.engine_url is None:
            return "embedded"
        return f"{self.settings.engine_url}#{self.settings.engine_tenant or ''}"

    def deploy_processes(self, folder: Path | None = None) -> list[DeployedProcess]:
        """Deploy the changed BPMN files of ``folder`` (default: EZD_BPMN_DIR); see services.processes."""
        from ezd.services.processes import bpmn_files, deploy_changed

        paths = bpmn_files(folder or Path(self.settings.bpmn_dir))
        with self.uow() as uow:
            result = deploy_changed(
                uow.session,
                self.engine(uow.session),
                engine_id=self.engine_id,
                paths=paths,
                known_topics=self.handlers,
            )
            uow.commit()
        return result

    def process_versions(self) -> list[ProcessVersion]:
        from ezd.services.processes import list_versions

        with self.uow() as uow:
            return list_versions(uow.session, self.engine(uow.session), engine_id=self.engine_id)


def _load_signer(settings: Settings) -> Signer:
    from ezd.signatures.pkcs12 import Pkcs12Signer

    if (lib := settings.signing_pkcs11_lib) is not None:  # the e-seal key lives in an HSM / token
        from ezd.signatures.hsm import Pkcs11Signer

        pin = settings.signing_pkcs11_pin.get_secret_value()
        return Pkcs11Signer(lib, settings.signing_pkcs11_token, pin, settings.signing_pkcs11_key_label)

    path = settings.signing_key or settings.keys_dir / "eseal.p12"
    if not Path(path).exists():
        from ezd.records.errors import InvalidState

        raise InvalidState(f"no office e-seal key at {path}; run 'ezd demo' or set EZD_SIGNING_KEY")
    password = settings.signing_password.get_secret_value()
    password_file = Path(path).with_suffix(".password")
    if not password and password_file.exists():
        password = password_file.read_text().strip()  # demo keys: a 0600 file beside the key
    return Pkcs12Signer(Path(path), password.encode() or None)


def _load_verifier(settings: Settings) -> Verifier:
    from ezd.signatures.verify import XadesVerifier

    trust_dir = settings.trust_dir or settings.keys_dir / "trust"
    anchors = (
        [p.read_bytes() for p in sorted(Path(trust_dir).glob("*.pem"))] if Path(trust_dir).is_dir() else []
    )
    return XadesVerifier(trust_anchors=anchors)


def make_store(settings: Settings) -> ObjectStore:
    if settings.s3_endpoint:
        from ezd.storage.s3 import S3ObjectStore

        s3 = S3ObjectStore.from_settings(settings)
        if settings.s3_read_cache_mb <= 0:
            return s3
        from ezd.storage.cache import ReadCachingStore

        # one letter is read by several worker steps in a row: see storage.cache
        return ReadCachingStore(s3, max_bytes=settings.s3_read_cache_mb * 1024 * 1024)
    from ezd.storage.local import LocalObjectStore

    return LocalObjectStore(settings.objects_dir, fsync=settings.object_fsync)


def bootstrap(settings: Settings | None = None, *, store: ObjectStore | None = None) -> App:
    settings = settings or Settings()
    home = settings.resolved_home
    home.mkdir(parents=True, exist_ok=True)
    db = make_engine(settings.db_url, sqlite_synchronous=settings.sqlite_synchronous)
    sessions = make_session_factory(db)
    engine_for: Callable[[Session], WorkflowEngine]
    remote_engine: WorkflowEngine | None = None
    if settings.engine_url:
        from ezd.workflow.operaton import OperatonEngine

        remote = OperatonEngine(
            settings.engine_url,
            settings.engine_user,
            settings.engine_password.get_secret_value(),
            tenant_id=settings.engine_tenant,
        )
        from ezd.workflow.outbox import OutboxEngine, relay

        def send(ids: list[int], unsent: bool) -> None:
            relay(sessions, remote, ids, unsent)

        def outbox_engine(session: Session) -> WorkflowEngine:
            # one shared REST client; a step's changes wait in the outbox until its commit
            return OutboxEngine(remote, session, send, commit_hooks(session))

        engine_for = outbox_engine
        remote_engine = remote
    else:
        from ezd.workflow.spiff.cache import InstanceCache
        from ezd.workflow.spiff.engine import SpiffEngine

        # the embedded engine works inside each session's transaction; recently used workflows
        # stay deserialized between transactions (keyed by revision, see workflow.spiff.cache)
        instances = InstanceCache(settings.engine_cache_size)
        engine_for = partial(SpiffEngine, instances=instances)

    channels: dict[str, DispatchChannel] = build_channels(settings, home)
    return App(
        settings=settings,
        db=db,
        sessions=sessions,
        store=store or make_store(settings),
        channels=channels,
        _engine_for=engine_for,
        remote_engine=remote_engine,
    )
