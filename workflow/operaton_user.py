"""User tasks over Operaton's REST API: lists with their case variables, claim, complete."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from ezd.workflow._operaton_values import from_typed_map, parse_date, to_typed_map
from ezd.workflow.operaton_rest import OperatonRest, TaskAlreadyClaimed
from ezd.workflow.port import TaskNotFound, UserTask, Variables


class OperatonUserTasks(OperatonRest):
    """The user-task half of the adapter (what the task lists and the pages use)."""

    def user_tasks(
        self,
        *,
        assignee: str | None = None,
        candidate_groups: Sequence[str] | None = None,
        business_key: str | None = None,
        process_instance_id: str | None = None,
    ) -> list[UserTask]:
        """Open user tasks matching the filters.

        ``candidate_groups`` alone: tasks offered to any of the groups, claimed or not; an empty
        sequence matches nothing.  With ``assignee`` too, the filters *widen*, as on the embedded
        engine: the assignee's own tasks or the groups' unclaimed ones (a clerk's list).
        """
        query: dict[str, Any] = {"sorting": [{"sortBy": "created", "sortOrder": "asc"}]}
        if assignee is not None and candidate_groups:
            # one or-query: Operaton's candidateGroups matches unclaimed tasks unless told otherwise
            query["orQueries"] = [{"assignee": assignee, "candidateGroups": list(candidate_groups)}]
        elif assignee is not None:
            query["assignee"] = assignee
        elif candidate_groups is not None:
            if not candidate_groups:
                return []
            query["candidateGroups"] = list(candidate_groups)
            query["includeAssignedTasks"] = True
        if business_key is not None:
            query["processInstanceBusinessKey"] = business_key
        if process_instance_id is not None:
            query["processInstanceId"] = process_instance_id
        if self.tenant_id:
            query["tenantIdIn"] = [self.tenant_id]
        found = self._call("POST", "task", "user tasks", json=query) or []
        if not found:
            return []
        instance_ids = sorted({str(t["processInstanceId"]) for t in found if t.get("processInstanceId")})
        if business_key is not None:  # the filter already says whose tasks these are
            business_keys = dict.fromkeys(instance_ids, business_key)
        else:
            instances = self._call(
                "POST", "process-instance", "user tasks", json={"processInstanceIds": instance_ids}
            )
            business_keys = {str(i["id"]): str(i.get("businessKey") or "") for i in instances or []}
        variables = self._task_variables(found, instance_ids)
        return [self._user_task(t, business_keys, variables) for t in found]

    def _task_variables(
        self, tasks: Sequence[Mapping[str, Any]], instance_ids: Sequence[str]
    ) -> dict[str, dict[str, Any]]:
        """Variables visible from each task, with ONE query for all their process instances.

        A task sees its own local variables over those of its process instance. Variables of
        an inner scope (embedded subprocess, multi-instance body) cannot be placed without the
        execution tree; tasks of such instances are asked one by one (exact, one call each).
        """
        if not instance_ids:
            return {}
        rows = self._call(
            "POST",
            "variable-instance",
            "user task variables",
            json={"processInstanceIdIn": list(instance_ids)},
            params={"deserializeValues": "false"},
        )
        scope: dict[str, dict[str, Any]] = {i: {} for i in instance_ids}
        local: dict[str, dict[str, Any]] = {}
        nested: set[str] = set()
        for row in rows or []:
            instance_id, task_id = str(row.get("processInstanceId") or ""), row.get("taskId")
            if task_id:
                local.setdefault(str(task_id), {})[str(row["name"])] = row
            elif str(row.get("executionId") or "") == instance_id:
                scope.setdefault(instance_id, {})[str(row["name"])] = row
            else:
                nested.add(instance_id)
        result: dict[str, dict[str, Any]] = {}
        for task in tasks:
            task_id, instance_id = str(task["id"]), str(task.get("processInstanceId") or "")
            if instance_id in nested:
                typed = self._call(
                    "GET",
                    f"task/{quote(task_id, safe='')}/variables",
                    f"user task {task_id}",
                    params={"deserializeValues": "false"},
                )
            else:
                typed = {**scope.get(instance_id, {}), **local.get(task_id, {})}
            result[task_id] = from_typed_map(typed)
        return result

    def _user_task(
        self,
        task: Mapping[str, Any],
        business_keys: Mapping[str, str],
        variables: Mapping[str, dict[str, Any]],
    ) -> UserTask:
        task_id = str(task["id"])
        op = f"user task {task_id}"
        links = self._call(
            "GET", f"task/{quote(task_id, safe='')}/identity-links", op, params={"type": "candidate"}
        )
        definition_id = str(task.get("processDefinitionId") or "")
        process_key = self._definition(definition_id)[0] if definition_id else ""
        instance_id = str(task.get("processInstanceId") or "")
        return UserTask(
            id=task_id,
            name=str(task.get("name") or ""),
            task_key=str(task.get("taskDefinitionKey") or ""),
            process_instance_id=instance_id,
            process_key=process_key,
            business_key=business_keys.get(instance_id, ""),
            assignee=task.get("assignee"),
            candidate_groups=tuple(sorted(str(k["groupId"]) for k in links or [] if k.get("groupId"))),
            variables=variables.get(task_id, {}),
            due=parse_date(task.get("due")),
        )

    def claim(self, task_id: str, user: str) -> None:
        op = f"claim {task_id} for {user}"
        response = self._send("POST", f"task/{quote(task_id, safe='')}/claim", op, json={"userId": user})
        if response.ok:
            return
        message = self._message(response)
        if re.search(r"already claimed", message, re.IGNORECASE):
            raise TaskAlreadyClaimed(f"{op}: {message}")
        self._fail(op, response, TaskNotFound)

    def complete_user_task(self, task_id: str, variables: Variables | None = None) -> None:
        self._call(
            "POST",
            f"task/{quote(task_id, safe='')}/complete",
            f"complete user task {task_id}",
            json={"variables": to_typed_map(variables)},
            not_found=TaskNotFound,
        )

    def task_definition_xml(self, task_id: str) -> bytes:
        op = f"form of task {task_id}"
        task = self._call("GET", f"task/{quote(task_id, safe='')}", op, not_found=TaskNotFound)
        definition = quote(str(task["processDefinitionId"]), safe="")
        return str(self._call("GET", f"process-definition/{definition}/xml", op)["bpmn20Xml"]).encode("utf-8")
