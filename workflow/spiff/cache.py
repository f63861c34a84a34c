"""Deserialized workflows kept between transactions.

Loading an instance means parsing its JSON state and rebuilding the SpiffWorkflow task tree --
the most expensive part of an engine step after the SQL.  An office works on the same cases over
and over (a letter is registered, decreed, assigned, decided within minutes), so the engine keeps
recently used workflows in memory, keyed by instance id **and row revision**:

* every save bumps ``wf_instance.revision``; an entry is used only if the revision read under the
  row lock is the one it was saved at, so a change made by another process (another worker, the
  web server) is never hidden -- the state is then read from the database as before;
* entries saved in a transaction reach the shared cache only **after that transaction commits**
  (session ``after_commit``); a rollback of the transaction or of any savepoint in it drops the
  transaction's entries, so an in-memory workflow can never run ahead of the database;
* a step that changes a workflow takes its entry out first, so a step that fails half-way (a
  script error after ``task.run()``) leaves nothing behind to be reused.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

_SESSION_KEY = "ezd.wf_loaded"


@dataclass
class Loaded:
    """One deserialized workflow as of ``revision``, with its mirrored open task ids.

    ``head`` is the engine's copy of the row's small columns at that revision.
    """

    revision: int
    workflow: Any
    task_ids: frozenset[str]
    head: Any = None


class InstanceCache:
    """Process-wide LRU of :class:`Loaded` workflows of committed revisions (thread-safe)."""

    def __init__(self, capacity: int = 256) -> None:
        self._capacity = capacity
        self._items: OrderedDict[str, Loaded] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, instance_id: str, revision: int) -> Loaded | None:
        """Remove and return the entry if it is at ``revision``; a stale entry is dropped."""
        with self._lock:
            item = self._items.pop(instance_id, None)
        return item if item is not None and item.revision == revision else None

    def put(self, instance_id: str, item: Loaded) -> None:
        if self._capacity <= 0:
            return
        with self._lock:
            self._items[instance_id] = item
            self._items.move_to_end(instance_id)
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)

    def discard(self, instance_id: str) -> None:
        with self._lock:
            self._items.pop(instance_id, None)

    def __len__(self) -> int:
        return len(self._items)


def session_loaded(session: Session, shared: InstanceCache) -> dict[str, Loaded]:
    """The workflows loaded or saved in ``session``'s current transaction.

    Shared by every engine object made on the session; published to ``shared`` on commit and
    forgotten on any rollback (including a savepoint's).  An entry exists only while this
    transaction holds the instance's row lock (it was read ``FOR UPDATE`` or written in it), so
    while it is there the database cannot hold another revision.
    """
    loaded: dict[str, Loaded] | None = session.info.get(_SESSION_KEY)
    if loaded is None:
        loaded = {}
        session.info[_SESSION_KEY] = loaded

        def publish(session: Session) -> None:
            if session.in_nested_transaction():  # a savepoint released: not committed yet
                return
            for instance_id, item in loaded.items():
                shared.put(instance_id, item)
            loaded.clear()

        def forget(_session: Session, _previous: Any = None) -> None:
            loaded.clear()

        event.listen(session, "after_commit", publish)
        event.listen(session, "after_soft_rollback", forget)
    return loaded
