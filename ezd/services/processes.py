"""Deploying the BPMN processes (``ezd bpmn deploy``, and every ``ezd serve`` / ``ezd worker`` start).

Both engines deploy only what changed (SpiffWorkflow compares each file's SHA-256 with the latest
version; Operaton is asked with ``deploy-changed-only``), so deploying the same folder twice is a
no-op and running instances keep the version they started on.  Three things are added here:

* the installation's own checks (:func:`ezd.workflow.lint.check_deployable`): a topic no worker
  handles, a user task nobody can claim;
* one deployment at a time: every deploying process first updates the single ``deploy_lock`` row
  and holds that row lock until its transaction ends, so two processes starting together deploy
  once -- the second finds the versions already there and reports them unchanged;
* the ledger ``bpmn_deployment`` (which version came from which file, with its digest), which
  tells a new version from an unchanged one and is the history ``ezd bpmn list`` shows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ezd.db.base import utcnow
from ezd.db.tables_office import BpmnDeployment, DeployLock
from ezd.records.errors import InvalidInput
from ezd.workflow.lint import check_deployable
from ezd.workflow.port import WorkflowEngine


@dataclass(frozen=True)
class DeployedProcess:
    process_key: str
    version: int
    source_name: str
    sha256: str
    new: bool  # False: the file was unchanged and its latest version stays current


@dataclass(frozen=True)
class ProcessVersion:
    process_key: str
    version: int
    running: int
    source_name: str | None
    deployed_at: datetime | None


def bpmn_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise InvalidInput(f"nie ma katalogu z procesami BPMN: {folder}")
    files = sorted(folder.glob("*.bpmn"))
    if not files:
        raise InvalidInput(f"w katalogu {folder} nie ma plików .bpmn")
    return files


def deploy_changed(
    session: Session,
    engine: WorkflowEngine,
    *,
    engine_id: str,
    paths: Sequence[Path],
    known_topics: Collection[str],
) -> list[DeployedProcess]:
    """Check every file, then deploy the changed ones under the deploy lock; the caller commits."""
    keys_of: dict[str, list[str]] = {}
    digests: dict[str, str] = {}
    for path in paths:
        data = path.read_bytes()
        infos = check_deployable(data, path.name, known_topics)
        keys_of[path.name] = [i.key for i in infos]
        digests[path.name] = hashlib.sha256(data).hexdigest()
    # the row lock is held until commit: a second deploying process waits here, then finds the
    # versions this one deployed (already in the engine and in the ledger) and changes nothing
    session.execute(update(DeployLock).where(DeployLock.name == "bpmn").values(taken_at=utcnow()))
    deployed = {d.process_key: d for d in engine.deploy(list(paths))}
    known = {
        (key, version)
        for key, version in session.execute(
            select(BpmnDeployment.process_key, BpmnDeployment.version).where(
                BpmnDeployment.engine == engine_id
            )
        ).all()
    }
    result: list[DeployedProcess] = []
    for path in paths:
        for key in keys_of[path.name]:
            d = deployed[key]
            new = (key, d.version) not in known
            if new:
                session.add(
                    BpmnDeployment(
                        engine=engine_id,
                        process_key=key,
                        version=d.version,
                        definition_id=d.definition_id,
                        source_name=path.name,
                        sha256=digests[path.name],
                    )
                )
            result.append(DeployedProcess(key, d.version, path.name, digests[path.name], new))
    session.flush()
    return result


def list_versions(session: Session, engine: WorkflowEngine, *, engine_id: str) -> list[ProcessVersion]:
    """Every version the engine holds, with its running instances and (from the ledger) its file."""
    ledger = {
        (row.process_key, row.version): row
        for row in session.execute(select(BpmnDeployment).where(BpmnDeployment.engine == engine_id)).scalars()
    }
    out: list[ProcessVersion] = []
    for d in engine.definitions():
        row = ledger.get((d.process_key, d.version))
        out.append(
            ProcessVersion(
                d.process_key,
                d.version,
                d.running,
                row.source_name if row else None,
                row.deployed_at if row else None,
            )
        )
    return out


__all__ = ["DeployedProcess", "ProcessVersion", "bpmn_files", "deploy_changed", "list_versions"]
