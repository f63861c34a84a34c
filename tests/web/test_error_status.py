"""HTTP status of service errors: what a client should do next."""

from __future__ import annotations

from ezd.records.errors import ConflictError, EzdError, InvalidState
from ezd.web.errors import _status_of
from ezd.workflow.operaton import EngineUnavailable
from ezd.workflow.port import TaskNotFound, WorkflowError


def test_engine_down_is_try_again_not_a_conflict() -> None:
    assert _status_of(EngineUnavailable("engine at 127.0.0.1 did not answer in time")) == 503
    assert _status_of(WorkflowError("HTTP 500: optimistic locking")) == 409
    assert _status_of(TaskNotFound("t1")) == 409
    assert _status_of(ConflictError("completed by someone else")) == 409
    assert _status_of(InvalidState("not waiting")) == 409
    assert _status_of(EzdError("one line")) == 400
    assert _status_of(RuntimeError("bug")) is None


def test_every_error_family_is_answered_once_with_the_error_body() -> None:
    """The web layer's mapping on a bare app: status, code, and no engine/store words leak."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from ezd.records.errors import NotFound, PermissionDenied
    from ezd.storage.errors import StorageError
    from ezd.web import errors

    app = FastAPI()
    errors.install(app)
    raised: dict[str, Exception] = {
        "engine": EngineUnavailable("fetch: engine at 10.0.0.5:8080 did not answer in time"),
        "store": StorageError("bucket ezd-t-ug-x: connection refused"),
        "state": InvalidState("the draft is not waiting for akceptacja"),
        "conflict": ConflictError("completed by someone else"),
        "missing": NotFound("no case OR.0012.7.2026 in this office"),
        "denied": PermissionDenied("kowalski may not read cases of unit OR"),
    }

    @app.get("/api/{what}")
    def fail(what: str) -> None:
        raise raised[what]

    client = TestClient(app, raise_server_exceptions=False)
    answers = {what: client.get(f"/api/{what}") for what in raised}
    assert {w: (r.status_code, r.json()["code"]) for w, r in answers.items()} == {
        "engine": (503, "unavailable"),
        "store": (503, "unavailable"),
        "state": (409, "invalid_state"),
        "conflict": (409, "conflict"),
        "missing": (404, "not_found"),
        "denied": (403, "forbidden"),
    }
    for what in ("engine", "store"):
        body = answers[what].json()
        assert "10.0.0.5" not in body["detail"] and "bucket" not in body["detail"]
        assert answers[what].headers["retry-after"] == "5"
    # a person reads the catalogue message: Polish by default, English on request; the code stays
    assert answers["missing"].json() == {
        "detail": "W tym urzędzie nie ma sprawy OR.0012.7.2026.",
        "code": "not_found",
        "fields": [],
    }
    assert answers["denied"].json()["detail"] == "Nie masz dostępu do spraw komórki OR."
    english = client.get("/api/missing", headers={"accept-language": "en-GB,pl;q=0.5"}).json()
    assert english == {
        "detail": "There is no case OR.0012.7.2026 in this office.",
        "code": "not_found",
        "fields": [],
    }
    assert (
        client.get("/api/engine", headers={"accept-language": "en"})
        .json()["detail"]
        .startswith("The service is temporarily unavailable")
    )


def test_framework_errors_use_the_same_body(site) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    anonymous = TestClient(site.web, raise_server_exceptions=False)
    unauth = anonymous.get("/api/v1/tasks")
    assert unauth.status_code == 401 and unauth.json()["code"] == "not_authenticated"
    assert unauth.headers["www-authenticate"] == "Bearer"

    admin = site.client("sw.admin")
    bad = admin.post("/api/v1/tenants/sp-swidnik/units", json={"code": "lower case", "name": "X"})
    assert bad.status_code == 422
    body = bad.json()
    assert body["code"] == "validation"
    assert body["fields"] == [{"field": "code", "problem": "niepoprawny format"}]
    assert body["detail"] == "Niepoprawne żądanie — code: niepoprawny format."
    bad_en = admin.post(
        "/api/v1/tenants/sp-swidnik/units",
        json={"code": "lower case", "name": "X"},
        headers={"accept-language": "en"},
    ).json()
    assert bad_en["detail"] == "Invalid request — code: invalid format." and bad_en["code"] == "validation"
    assert bad_en["fields"] == [{"field": "code", "problem": "invalid format"}]

    wrong_method = admin.delete("/api/v1/tasks")
    assert wrong_method.status_code == 405 and wrong_method.json()["code"] == "method_not_allowed"
    assert wrong_method.headers["allow"] == "GET"

    undecodable = anonymous.post(
        "/api/v1/auth/login", content=b'{"login": "\xff\xfe"}', headers={"content-type": "application/json"}
    )
    assert undecodable.status_code == 422 and undecodable.json()["code"] == "validation"
