"""Deployed definitions: versioned by checksum in ``wf_definition``, parsed once per version.

Running instances keep the version they started on; a deploy of unchanged files adds nothing.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ezd.workflow.lint import check_definitions
from ezd.workflow.port import DefinitionInfo, Deployment, DeploymentRejected, TaskNotFound, WorkflowError
from ezd.workflow.spiff.specs import EzdParser
from ezd.workflow.tables import WorkflowDefinition, WorkflowInstance, WorkflowTask


class SpecCache:
    """Parsed specs per (database, process key, version); parsing BPMN is the slow part.

    The database is part of the key: "ezd_incoming v2" of one installation is not that of
    another one the same process opens (tests, tools working on several homes).
    """

    def __init__(self) -> None:
        self._specs: dict[tuple[str, str, int], tuple[Any, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def get(
        self, key: str, version: int, load_bpmn: Callable[[], str], database: str = ""
    ) -> tuple[Any, dict[str, Any]]:
        cached = self._specs.get((database, key, version))
        if cached is None:
            with self._lock:
                cached = self._specs.get((database, key, version))
                if cached is None:
                    cached = parse_spec(load_bpmn().encode(), key, source=f"{key} v{version}")
                    self._specs[(database, key, version)] = cached
        return cached


def parse_spec(data: bytes, key: str, source: str) -> tuple[Any, dict[str, Any]]:
    parser = EzdParser()
    try:
        from ezd import xmlsafe

        parser.add_bpmn_xml(xmlsafe.parse(data), filename=source)
        return parser.get_spec(key), parser.get_subprocess_specs(key)
    except ValidationException as exc:
        raise DeploymentRejected(f"{source}: {exc}") from None


SPECS = SpecCache()


def deploy_files(session: Session, paths: Sequence[Path]) -> list[Deployment]:
    """Store each process of the files as a new version unless its file is unchanged."""
    result: list[Deployment] = []
    for path in paths:
        data = Path(path).read_bytes()
        infos = check_definitions(data, Path(path).name)
        checksum = hashlib.sha256(data).hexdigest()
        for info in infos:
            parse_spec(data, info.key, Path(path).name)  # SpiffWorkflow must accept it too
            latest = session.execute(
                select(WorkflowDefinition)
                .where(WorkflowDefinition.process_key == info.key)
                .order_by(WorkflowDefinition.version.desc())
                .limit(1)
            ).scalar_one_or_none()
            if latest is not None and latest.checksum == checksum:
                result.append(Deployment(info.key, latest.version, f"{info.key}:{latest.version}"))
                continue
            version = (latest.version + 1) if latest else 1
            session.add(
                WorkflowDefinition(
                    process_key=info.key,
                    version=version,
                    checksum=checksum,
                    source_name=Path(path).name,
                    bpmn=data.decode("utf-8"),
                )
            )
            session.flush()
            result.append(Deployment(info.key, version, f"{info.key}:{version}"))
    return result


def latest_version(session: Session, key: str) -> int:
    version = session.execute(
        select(WorkflowDefinition.version)
        .where(WorkflowDefinition.process_key == key)
        .order_by(WorkflowDefinition.version.desc())
        .limit(1)
    ).scalar_one_or_none()
    if version is None:
        raise WorkflowError(f"process {key!r} is not deployed")
    return int(version)


def definition_bpmn(session: Session, key: str, version: int) -> str:
    return str(
        session.execute(
            select(WorkflowDefinition.bpmn).where(
                WorkflowDefinition.process_key == key, WorkflowDefinition.version == version
            )
        ).scalar_one()
    )


def definition_infos(session: Session) -> list[DefinitionInfo]:
    """Every deployed version with its count of running instances (``ezd bpmn list``)."""
    running = {
        (key, version): int(count)
        for key, version, count in session.execute(
            select(WorkflowInstance.process_key, WorkflowInstance.version, func.count())
            .where(WorkflowInstance.ended.is_(False))
            .group_by(WorkflowInstance.process_key, WorkflowInstance.version)
        ).all()
    }
    rows = session.execute(
        select(WorkflowDefinition.process_key, WorkflowDefinition.version).order_by(
            WorkflowDefinition.process_key, WorkflowDefinition.version
        )
    ).all()
    return [
        DefinitionInfo(key, version, f"{key}:{version}", running.get((key, version), 0))
        for key, version in rows
    ]


def task_bpmn(session: Session, task_id: str) -> bytes:
    """The BPMN of the process version a task belongs to (its form is read from there)."""
    bpmn = session.execute(
        select(WorkflowDefinition.bpmn)
        .join(
            WorkflowInstance,
            (WorkflowInstance.process_key == WorkflowDefinition.process_key)
            & (WorkflowInstance.version == WorkflowDefinition.version),
        )
        .join(WorkflowTask, WorkflowTask.instance_id == WorkflowInstance.id)
        .where(WorkflowTask.id == task_id)
    ).scalar_one_or_none()
    if bpmn is None:
        raise TaskNotFound(f"user task {task_id} not found")
    return str(bpmn).encode("utf-8")
