"""Unit of work: one database transaction; rolls back unless committed.

Only entrypoints (a CLI command, an API request, a worker task) call :meth:`commit`.
Services receive an open unit of work and never commit.  Adapters that must act around the
commit (the remote engine's outbox, see workflow/outbox.py) get the unit of work as a
:class:`ezd.workflow.port.CommitHooks`: rows written only if the step commits (a claim not
followed by a completion) are registered with :meth:`UnitOfWork.before_commit`, work that must
follow the commit (sending the engine the step's commands) with :meth:`UnitOfWork.after_commit`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger("ezd.db")

# session.info key of the unit of work that opened the session: the composition root hands an
# adapter built for a session (ezd.bootstrap) the hooks of that session's transaction
_OWNER = "ezd.unit_of_work"


class UnitOfWork:
    """Implements :class:`ezd.workflow.port.CommitHooks` for the transaction it holds."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory
        self._session: Session | None = None
        self._before: list[Callable[[], None]] = []
        self._after: list[Callable[[], None]] = []

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("unit of work used outside its 'with' block")
        return self._session

    def __enter__(self) -> UnitOfWork:
        self._session = self._factory()
        self._session.info[_OWNER] = self
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self.rollback()
        finally:
            self.session.info.pop(_OWNER, None)
            self.session.close()
            self._session = None

    # -- CommitHooks ------------------------------------------------------------------------
    def before_commit(self, fn: Callable[[], None]) -> None:
        self._before.append(fn)

    def after_commit(self, fn: Callable[[], None]) -> None:
        self._after.append(fn)

    def pending_after_commit(self) -> Sequence[Callable[[], None]]:
        return tuple(self._after)

    # -- the transaction ----------------------------------------------------------------------
    def commit(self) -> None:
        writes, self._before = self._before, []
        for write in writes:
            write()
        self.session.commit()
        hooks, self._after = self._after, []
        for hook in hooks:
            try:
                hook()
            except Exception:  # the commit stands; what the hook left undone has its own sweep
                log.exception("work after commit failed")

    def rollback(self) -> None:
        self.session.rollback()
        self._before.clear()
        self._after.clear()

    def flush(self) -> None:
        self.session.flush()


def commit_hooks(session: Session) -> UnitOfWork:
    """The unit of work whose transaction ``session`` is (for adapters built per session)."""
    owner = session.info.get(_OWNER)
    if not isinstance(owner, UnitOfWork):
        raise RuntimeError("this session was not opened by a unit of work (app.uow())")
    return owner
