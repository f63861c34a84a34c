"""Unit of work: one database transaction; rolls back unless committed.

Only entrypoints (a CLI command, an API request, a worker task) call :meth:`commit`.
Services receive an open unit of work and never commit.  Work that must follow the commit
(sending the remote engine the step's commands, see workflow/outbox.py) is registered in
``session.info`` and run by :meth:`commit` once the commit has succeeded; rows that are
written only if the step commits (a claim not followed by a completion) are registered the
same way and written just before it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger("ezd.db")

AFTER_COMMIT = "ezd.after_commit"  # session.info key: callables to run after a successful commit
BEFORE_COMMIT = "ezd.before_commit"  # session.info key: callables that write last rows of the commit


class UnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("unit of work used outside its 'with' block")
        return self._session

    def __enter__(self) -> UnitOfWork:
        self._session = self._factory()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self.rollback()
        finally:
            self.session.close()
            self._session = None

    def commit(self) -> None:
        for write in self.session.info.pop(BEFORE_COMMIT, []):
            write()
        self.session.commit()
        hooks: list[Callable[[], None]] = self.session.info.pop(AFTER_COMMIT, [])
        for hook in hooks:
            try:
                hook()
            except Exception:  # the commit stands; what the hook left undone has its own sweep
                log.exception("work after commit failed")

    def rollback(self) -> None:
        self.session.rollback()
        self.session.info.pop(AFTER_COMMIT, None)
        self.session.info.pop(BEFORE_COMMIT, None)

    def flush(self) -> None:
        self.session.flush()
