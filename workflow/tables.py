"""The workflow engines' own tables, declared on ezd's one metadata (see ezd.db.base).

* ``wf_definition``, ``wf_instance``, ``wf_task``, ``wf_history``: the embedded engine
  (:mod:`ezd.workflow.spiff`), its process state in the records' own transaction;
* ``engine_command``: the outbox of the remote engine (:mod:`ezd.workflow.outbox`, migration
  0004_engine_outbox).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ezd.db.base import Base, BigId, utcnow


class WorkflowDefinition(Base):
    __tablename__ = "wf_definition"
    __table_args__ = (UniqueConstraint("process_key", "version"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    process_key: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    checksum: Mapped[str] = mapped_column(String(64))
    source_name: Mapped[str] = mapped_column(String(200))
    bpmn: Mapped[str] = mapped_column(Text)
    deployed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class WorkflowInstance(Base):
    """Embedded-engine process instance with its serialized SpiffWorkflow state."""

    __tablename__ = "wf_instance"
    __table_args__ = (
        Index("ix_wf_instance_bk", "business_key"),
        Index("ix_wf_instance_timer", "next_timer_at"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    process_key: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    business_key: Mapped[str] = mapped_column(String(100))
    state_format: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(Text)
    ended: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    next_timer_at: Mapped[datetime | None] = mapped_column(DateTime)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class WorkflowTask(Base):
    """Open user and external tasks of embedded instances, indexed for queries.

    Kept in step with the serialized state on every save so task lists never deserialize
    whole workflows.
    """

    __tablename__ = "wf_task"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("wf_instance.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # user | external
    task_key: Mapped[str] = mapped_column(String(100))
    name: Mapped[str | None] = mapped_column(String(200))
    topic: Mapped[str | None] = mapped_column(String(100), index=True)
    assignee: Mapped[str | None] = mapped_column(String(64), index=True)
    candidate_groups: Mapped[str | None] = mapped_column(String(500))
    retries: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    failed_at: Mapped[datetime | None] = mapped_column(DateTime)  # when retries ran out (an incident)


class WorkflowHistory(Base):
    __tablename__ = "wf_history"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    instance_id: Mapped[str] = mapped_column(String(36), index=True)
    activity_id: Mapped[str] = mapped_column(String(100))
    activity_type: Mapped[str] = mapped_column(String(60))
    name: Mapped[str | None] = mapped_column(String(200))
    ended_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class EngineCommand(Base):
    """A call to the remote workflow engine, stored with the records it belongs to.

    ``dedup_key`` is unique while set: the second transaction that tries to complete the same
    user task conflicts here, in the database, instead of after both have committed.
    """

    __tablename__ = "engine_command"
    __table_args__ = (Index("ix_engine_command_pending", "status", "id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    op: Mapped[str] = mapped_column(String(30))  # start | claim | complete | correlate
    business_key: Mapped[str] = mapped_column(String(140), index=True)
    args: Mapped[dict[str, object]] = mapped_column(JSON)
    dedup_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | done | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None] = mapped_column(DateTime)
