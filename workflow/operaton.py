"""Operaton (Camunda 7 fork) over REST: the distributed implementation of :class:`WorkflowEngine`.

The engine runs as its own service (``engine/``, started by ``scripts/services.sh start engine``);
this adapter talks to its REST API (``/engine-rest``) through one persistent
:class:`requests.Session` (keep-alive, HTTP basic auth, timeouts on every call).

* Deployments use a fixed deployment name and ``deploy-changed-only``: only changed BPMN files
  create a new process-definition version; running instances stay on the version they started on.
* Variables are typed (see :mod:`ezd.workflow._operaton_values`): dict/list travel as ``Json``.
* External tasks: one ``fetchAndLock`` for all topics, with a worker id unique to this adapter
  instance (host, pid, random suffix), ``usePriority`` and optional long polling.

Errors are mapped to :mod:`ezd.workflow.port` errors (or subclasses of :class:`WorkflowError` defined
here) with a one-line message. Credentials are never logged nor put into messages.
"""

from __future__ import annotations

import logging
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ezd.workflow._operaton_values import format_date, from_typed_map, parse_date, to_typed_map
from ezd.workflow.operaton_external import OperatonExternalTasks
from ezd.workflow.operaton_rest import (
    DEFAULT_URL,
    EngineUnavailable,
    InstanceNotFound,
    LockLost,
    TaskAlreadyClaimed,
    one_line,
)
from ezd.workflow.operaton_user import OperatonUserTasks
from ezd.workflow.port import (
    DeferredCall,
    DefinitionInfo,
    Deployment,
    DeploymentRejected,
    HistoryEntry,
    InstanceState,
    NoMatchingInstance,
    ProcessInstance,
    Variables,
    WorkflowError,
)

# the adapter's errors are part of its interface: callers import them from here
__all__ = [
    "DEFAULT_URL",
    "EngineUnavailable",
    "InstanceNotFound",
    "LockLost",
    "OperatonEngine",
    "TaskAlreadyClaimed",
]

log = logging.getLogger(__name__)

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def _process_keys(path: Path, content: bytes) -> list[str]:
    try:
        root = ET.fromstring(content)
    except ET.ParseError as exc:
        raise DeploymentRejected(f"deploy: {path.name} is not well-formed XML: {exc}") from None
    keys = [
        p.get("id", "")
        for p in root.iter(f"{{{BPMN_NS}}}process")
        if p.get("isExecutable", "true").lower() != "false"
    ]
    return [k for k in keys if k]


class OperatonEngine(OperatonUserTasks, OperatonExternalTasks):
    """:class:`ezd.workflow.port.WorkflowEngine` over Operaton's REST API."""

    @classmethod
    def from_env(cls, **kwargs: Any) -> OperatonEngine:
        """From EZD_ENGINE_URL / EZD_ENGINE_USER / EZD_ENGINE_PASSWORD (local dev defaults)."""
        return cls(
            os.environ.get("EZD_ENGINE_URL", DEFAULT_URL),
            os.environ.get("EZD_ENGINE_USER", "ezd"),
            os.environ.get("EZD_ENGINE_PASSWORD", "ezd-dev"),
            **{"tenant_id": os.environ.get("EZD_ENGINE_TENANT") or None, **kwargs},
        )

    def __repr__(self) -> str:
        return f"OperatonEngine({self.base_url!r}, user={self.user!r}, worker_id={self.worker_id!r})"

    def clone(self, **overrides: Any) -> OperatonEngine:
        """A new adapter (own connection pool) to the same engine, same worker id and tenant."""
        password = self._session.auth[1] if isinstance(self._session.auth, tuple) else None
        kwargs: dict[str, Any] = {
            "deployment_name": self.deployment_name,
            "lock_duration_ms": self.lock_duration_ms,
            "async_response_timeout_ms": self.async_response_timeout_ms,
            "timeout": self.timeout,
            "connect_timeout": self.connect_timeout,
            "worker_id": self.worker_id,
            "tenant_id": self.tenant_id,
        }
        kwargs.update(overrides)
        return OperatonEngine(self.base_url, self.user, password, **kwargs)

    # ------------------------------------------------------------------ deployment

    def deploy(self, paths: Sequence[Path]) -> list[Deployment]:
        files: list[tuple[str, tuple[str, bytes, str]]] = []
        keys: list[str] = []
        for raw in paths:
            path = Path(raw)
            if any(name == path.name for name, _ in files):
                raise DeploymentRejected(
                    f"deploy: two files named {path.name}; resource names must be unique"
                )
            content = path.read_bytes()
            keys.extend(k for k in _process_keys(path, content) if k not in keys)
            files.append((path.name, (path.name, content, "application/xml")))
        if not files:
            return []
        op = "deploy " + ", ".join(name for name, _ in files)
        response = self._send(
            "POST",
            "deployment/create",
            op,
            data={
                "deployment-name": self.deployment_name,
                "deploy-changed-only": "true",
                "deployment-source": "ezd",
                **({"tenant-id": self.tenant_id} if self.tenant_id else {}),
            },
            files=files,
            read_timeout=max(self.timeout, 120.0),
        )
        if response.status_code == 400:
            raise DeploymentRejected(f"{op}: {self._message(response)}")
        if not response.ok:
            self._fail(op, response)
        deployed: Mapping[str, Any] = response.json().get("deployedProcessDefinitions") or {}
        by_key = {str(d["key"]): d for d in deployed.values()}
        result: list[Deployment] = []
        for key in keys:
            definition = by_key.get(key)
            if definition is None:  # unchanged file: the latest deployed version is current
                params = {"key": key, "latestVersion": "true", **self._tenant_params()}
                found = self._call("GET", "process-definition", op, params=params)
                if not found:
                    raise DeploymentRejected(f"{op}: process {key!r} was not deployed")
                definition = found[0]
            self._definitions[str(definition["id"])] = (key, int(definition["version"]))
            result.append(Deployment(key, int(definition["version"]), str(definition["id"])))
        log.info("deployed %s", ", ".join(f"{d.process_key} v{d.version}" for d in result))
        return result

    def definitions(self) -> list[DefinitionInfo]:
        op = "process definitions"
        params = {"sortBy": "version", "sortOrder": "asc", **self._tenant_params()}
        found = self._call("GET", "process-definition", op, params=params) or []
        # the statistics resource counts running instances per definition, for every tenant
        stats = self._call("GET", "process-definition/statistics", op) or []
        running = {str(s["id"]): int(s.get("instances") or 0) for s in stats}
        rows = [
            DefinitionInfo(str(d["key"]), int(d["version"]), str(d["id"]), running.get(str(d["id"]), 0))
            for d in found
        ]
        return sorted(rows, key=lambda d: (d.process_key, d.version))

    # ------------------------------------------------------------------ instances

    def start(
        self, process_key: str, business_key: str, variables: Variables | None = None
    ) -> ProcessInstance:
        op = f"start {process_key}"
        path = f"process-definition/key/{quote(process_key, safe='')}"
        if self.tenant_id:
            path += f"/tenant-id/{quote(self.tenant_id, safe='')}"
        body = self._call(
            "POST",
            f"{path}/start",
            op,
            json={"businessKey": business_key, "variables": to_typed_map(variables)},
            not_found=WorkflowError,
        )
        _, version = self._definition(str(body["definitionId"]))
        return ProcessInstance(str(body["id"]), process_key, business_key, version)

    def instance(self, instance_id: str) -> InstanceState:
        historic = self._call(
            "GET",
            f"history/process-instance/{quote(instance_id, safe='')}",
            f"instance {instance_id}",
            not_found=InstanceNotFound,
        )
        return self._state(historic)

    def running_instance_ids(self, business_key: str) -> list[str]:
        """Ids of the running process instances with this business key (one cheap query)."""
        params = {"businessKey": business_key, **self._tenant_params()}
        found = self._call("GET", "process-instance", f"running instances {business_key}", params=params)
        return [str(i["id"]) for i in found or []]

    def find_instances(self, business_key: str, process_key: str | None = None) -> list[InstanceState]:
        params = {
            "processInstanceBusinessKey": business_key,
            "sortBy": "startTime",
            "sortOrder": "asc",
            **self._tenant_params(),
        }
        if process_key is not None:
            params["processDefinitionKey"] = process_key
        found = self._call("GET", "history/process-instance", f"find instances {business_key}", params=params)
        return [self._state(h) for h in found or []]

    def _state(self, historic: Mapping[str, Any]) -> InstanceState:
        instance_id = str(historic["id"])
        running = historic.get("state") in ("ACTIVE", "SUSPENDED") and historic.get("endTime") is None
        activities: tuple[str, ...] = ()
        incidents: tuple[str, ...] = ()
        variables: dict[str, Any] | None = None
        if running:
            op = f"instance {instance_id}"
            path = f"process-instance/{quote(instance_id, safe='')}"
            tree = self._send("GET", f"{path}/activity-instances", op)
            if tree.ok:
                activities = tuple(_leaf_activities(tree.json()))
                raw = self._send("GET", f"{path}/variables", op, params={"deserializeValues": "false"})
                if raw.ok:
                    variables = from_typed_map(raw.json())
                found = self._call("GET", "incident", op, params={"processInstanceId": instance_id})
                incidents = tuple(_incident(i) for i in found or [])
            elif tree.status_code != 404:
                self._fail(op, tree)
            else:  # ended between the two calls
                running = False
        if variables is None:
            variables = self._historic_variables(instance_id)
        return InstanceState(
            id=instance_id,
            process_key=str(historic.get("processDefinitionKey") or ""),
            business_key=str(historic.get("businessKey") or ""),
            ended=not running,
            active_activities=activities,
            variables=variables,
            incidents=incidents,
        )

    def _historic_variables(self, instance_id: str) -> dict[str, Any]:
        found = self._call(
            "GET",
            "history/variable-instance",
            f"variables of {instance_id}",
            params={"processInstanceId": instance_id, "deserializeValues": "false"},
        )
        top = [v for v in found or [] if v.get("activityInstanceId") in (instance_id, None)]
        return from_typed_map({str(v["name"]): v for v in top})

    def history(self, instance_id: str) -> list[HistoryEntry]:
        found = self._call(
            "GET",
            "history/activity-instance",
            f"history of {instance_id}",
            params={"processInstanceId": instance_id, "sortBy": "occurrence", "sortOrder": "asc"},
        )
        return [
            HistoryEntry(
                activity_id=str(a.get("activityId")),
                activity_type=str(a.get("activityType")),
                name=a.get("activityName"),
                started=parse_date(a.get("startTime")),
                ended=parse_date(a.get("endTime")),
            )
            for a in found or []
        ]

    def correlate_message(
        self, message_name: str, business_key: str, variables: Variables | None = None
    ) -> None:
        op = f"correlate {message_name} to {business_key}"
        response = self._send(
            "POST",
            "message",
            op,
            json={
                "messageName": message_name,
                "businessKey": business_key,
                "processVariables": to_typed_map(variables),
                **({"tenantId": self.tenant_id} if self.tenant_id else {}),
            },
        )
        if response.status_code == 400:
            message = self._message(response)
            if re.search(r"no process definition or execution matches|no matching", message, re.IGNORECASE):
                raise NoMatchingInstance(f"{op}: no waiting instance")
            raise WorkflowError(f"{op}: {message}")
        if not response.ok:
            self._fail(op, response)

    # ------------------------------------------------------------------ the port's clock and deferral
    def fire_due_timers(self, now: datetime | None = None, limit: int = 100) -> int:
        """The job executor fires timers itself (0); with ``now`` the timer jobs due by then run now.

        ``now`` is the caller's clock moved forward (tests of terms of days): the same
        contract as the embedded engine's, through the engine's own job execution.
        """
        if now is None:
            return 0
        due = f"lt_{format_date(now)}"
        jobs = self._call(
            "GET",
            "job",
            "due timers",
            params={"timers": "true", "dueDates": due, "maxResults": limit, **self._tenant_params()},
        )
        for job in jobs or []:
            self._call("POST", f"job/{quote(str(job['id']), safe='')}/execute", "fire timer")
        return len(jobs or [])

    def drain_deferred(self) -> list[DeferredCall]:
        return []  # every call is sent at once (the outbox holds back what must wait)


def _incident(incident: Mapping[str, Any]) -> str:
    """One incident as "<activity id>: <message>"."""
    message = incident.get("incidentMessage") or incident.get("incidentType") or "incident"
    return f"{incident.get('activityId')}: {one_line(str(message))}"


def _leaf_activities(node: Mapping[str, Any]) -> list[str]:
    """Activity ids of the innermost activity and transition instances of an activity-instance tree."""
    leaves: list[str] = []
    children = list(node.get("childActivityInstances") or [])
    transitions = list(node.get("childTransitionInstances") or [])
    for child in children:
        if child.get("childActivityInstances") or child.get("childTransitionInstances"):
            leaves.extend(_leaf_activities(child))
        else:
            leaves.append(str(child.get("activityId")))
    leaves.extend(str(t.get("activityId")) for t in transitions)
    return leaves
