"""External tasks over Operaton's REST API: fetch-and-lock, complete, fail, BPMN errors, locks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from ezd.workflow._operaton_values import from_typed_map, parse_date, to_typed_map
from ezd.workflow.operaton_rest import OperatonRest, one_line
from ezd.workflow.port import ExternalTask, Incident, TaskNotFound, Variables


def _instant(value: object) -> datetime | None:
    """Operaton's timestamp as naive UTC, as the embedded engine stores its times."""
    moment = parse_date(str(value)) if value else None
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


class OperatonExternalTasks(OperatonRest):
    """The external-task half of the adapter (what workers use)."""

    def fetch_external_tasks(
        self,
        topics: Sequence[str],
        max_tasks: int = 10,
        *,
        lock_duration_ms: int | None = None,
        async_response_timeout_ms: int | None = None,
        topic_lock_ms: Mapping[str, int] | None = None,
    ) -> list[ExternalTask]:
        """Fetch and lock up to ``max_tasks`` tasks of any of ``topics`` in one request.

        With ``async_response_timeout_ms`` (or the adapter's default) the engine holds the
        request open until a task is available or the timeout passes (long polling).
        ``topic_lock_ms`` overrides the lock duration of single topics.
        """
        if not topics or max_tasks <= 0:
            return []
        lock = lock_duration_ms or self.lock_duration_ms
        body: dict[str, Any] = {
            "workerId": self.worker_id,
            "maxTasks": max_tasks,
            "usePriority": True,
            "topics": [
                {
                    "topicName": t,
                    "lockDuration": (topic_lock_ms or {}).get(t, lock),
                    "deserializeValues": False,
                    **({"tenantIdIn": [self.tenant_id]} if self.tenant_id else {}),
                }
                for t in topics
            ],
        }
        wait = (
            async_response_timeout_ms
            if async_response_timeout_ms is not None
            else self.async_response_timeout_ms
        )
        read_timeout = self.timeout
        if wait:
            body["asyncResponseTimeout"] = wait
            read_timeout += wait / 1000
        found = self._call(
            "POST", "external-task/fetchAndLock", "fetch external tasks", json=body, read_timeout=read_timeout
        )
        return [
            ExternalTask(
                id=str(t["id"]),
                topic=str(t["topicName"]),
                activity_id=str(t.get("activityId") or ""),
                process_instance_id=str(t.get("processInstanceId") or ""),
                process_key=str(t.get("processDefinitionKey") or ""),
                business_key=str(t.get("businessKey") or ""),
                variables=from_typed_map(t.get("variables")),
                retries=t.get("retries"),
            )
            for t in found or []
        ]

    def _external(self, task_id: str, action: str, op: str, body: Mapping[str, Any]) -> None:
        self._call(
            "POST",
            f"external-task/{quote(task_id, safe='')}/{action}",
            op,
            json={"workerId": self.worker_id, **body},
            not_found=TaskNotFound,
        )

    def complete_external_task(self, task_id: str, variables: Variables | None = None) -> None:
        self._external(
            task_id, "complete", f"complete external task {task_id}", {"variables": to_typed_map(variables)}
        )

    def fail_external_task(
        self,
        task_id: str,
        message: str,
        retries: int,
        retry_timeout_ms: int = 0,
        *,
        details: str | None = None,
    ) -> None:
        """Report a failure; at ``retries == 0`` the engine raises an incident."""
        self._external(
            task_id,
            "failure",
            f"fail external task {task_id}",
            {
                "errorMessage": one_line(message, 600),
                "errorDetails": details if details is not None else message,
                "retries": max(retries, 0),
                "retryTimeout": max(retry_timeout_ms, 0),
            },
        )

    def bpmn_error(
        self, task_id: str, error_code: str, message: str = "", variables: Variables | None = None
    ) -> None:
        self._external(
            task_id,
            "bpmnError",
            f"bpmn error {error_code} on {task_id}",
            {"errorCode": error_code, "errorMessage": message, "variables": to_typed_map(variables)},
        )

    def extend_lock(self, task_id: str, new_duration_ms: int) -> None:
        """Lock the task for another ``new_duration_ms`` from now (only for the locking worker)."""
        self._external(task_id, "extendLock", f"extend lock of {task_id}", {"newDuration": new_duration_ms})

    def external_task(self, task_id: str) -> ExternalTask | None:
        """One external task with its process variables; None once it is completed or gone."""
        op = f"external task {task_id}"
        response = self._send("GET", f"external-task/{quote(task_id, safe='')}", op)
        if response.status_code == 404:
            return None
        if not response.ok:
            self._fail(op, response)
        t = response.json()
        instance_id = str(t.get("processInstanceId") or "")
        variables: dict[str, Any] = {}
        if instance_id:  # external tasks have no scope of their own: the instance's variables
            found = self.process_variables(instance_id)
            if found is None:  # the instance ended meanwhile
                return None
            variables = found
        return ExternalTask(
            id=str(t["id"]),
            topic=str(t.get("topicName") or ""),
            activity_id=str(t.get("activityId") or ""),
            process_instance_id=instance_id,
            process_key=str(t.get("processDefinitionKey") or ""),
            business_key=str(t.get("businessKey") or ""),
            variables=variables,
            retries=t.get("retries"),
        )

    def process_variables(self, instance_id: str) -> dict[str, Any] | None:
        """The variables of a running process instance (one call); None once it has ended."""
        op = f"variables of {instance_id}"
        raw = self._send(
            "GET",
            f"process-instance/{quote(instance_id, safe='')}/variables",
            op,
            params={"deserializeValues": "false"},
        )
        if raw.status_code == 404:
            return None
        if not raw.ok:
            self._fail(op, raw)
        return from_typed_map(raw.json())

    def external_task_owner(self, task_id: str) -> str | None:
        """Worker id holding the task's lock (None if unlocked or gone)."""
        response = self._send("GET", f"external-task/{quote(task_id, safe='')}", f"external task {task_id}")
        if not response.ok:
            return None
        owner = response.json().get("workerId")
        return str(owner) if owner else None

    def count_external_tasks(
        self, *, with_retries_left: bool = True, process_instance_ids: Sequence[str] | None = None
    ) -> int:
        """External tasks of this tenant waiting for or held by a worker (or, if not
        ``with_retries_left``, those that became incidents); only of the given process
        instances if ``process_instance_ids`` is set (an empty sequence counts nothing)."""
        if process_instance_ids is not None and not process_instance_ids:
            return 0
        params: dict[str, Any] = {"withRetriesLeft" if with_retries_left else "noRetriesLeft": "true"}
        params.update(self._tenant_params())
        if process_instance_ids:
            params["processInstanceIdIn"] = ",".join(process_instance_ids)
        body = self._call("GET", "external-task/count", "count external tasks", params=params)
        return int(body["count"])

    def unlock(self, task_id: str) -> None:
        """Give the task back: it can be fetched again at once."""
        self._call(
            "POST",
            f"external-task/{quote(task_id, safe='')}/unlock",
            f"unlock {task_id}",
            not_found=TaskNotFound,
        )

    def incidents(self, business_key_prefix: str) -> list[Incident]:
        params = {"noRetriesLeft": "true", **self._tenant_params()}
        found = self._call("GET", "external-task", "exhausted tasks", params=params) or []
        mine = [t for t in found if str(t.get("businessKey") or "").startswith(business_key_prefix)]
        if not mine:
            return []
        # the time is the incident's (an external task has none); one call for all of them
        listed = self._call(
            "GET",
            "incident",
            "incidents",
            params={"incidentType": "failedExternalTask", **self._tenant_params()},
        )
        when = {str(i.get("configuration")): _instant(i.get("incidentTimestamp")) for i in listed or []}
        out = [
            Incident(
                task_id=str(t["id"]),
                topic=str(t.get("topicName") or ""),
                activity_id=str(t.get("activityId") or ""),
                business_key=str(t.get("businessKey") or ""),
                message=str(t.get("errorMessage") or ""),
                at=when.get(str(t["id"])),
            )
            for t in mine
        ]
        return sorted(out, key=lambda i: (i.at is None, i.at or datetime.min, i.task_id))

    def retry_task(self, task_id: str, retries: int) -> None:
        self._call(
            "PUT",
            f"external-task/{quote(task_id, safe='')}/retries",
            f"retry {task_id}",
            json={"retries": retries},
            not_found=TaskNotFound,
        )

    def retry_exhausted_tasks(self, topics: Sequence[str], business_key_prefix: str, retries: int) -> int:
        ids: list[str] = []
        for topic in topics:
            params = {"topicName": topic, "noRetriesLeft": "true", **self._tenant_params()}
            found = self._call("GET", "external-task", f"exhausted tasks {topic}", params=params) or []
            ids.extend(
                str(t["id"]) for t in found if str(t.get("businessKey") or "").startswith(business_key_prefix)
            )
        if ids:
            self._call(
                "PUT",
                "external-task/retries",
                "retry exhausted tasks",
                json={"externalTaskIds": ids, "retries": retries},
            )
        return len(ids)
