"""Property-based API tests generated from the OpenAPI spec (schemathesis, in-process ASGI).

Every operation is called with generated inputs by a person holding the role it is meant for;
no input may produce a server error, and every response must match the documented shape.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from .conftest import Site, make_site

ROLE_BY_PATH = (
    ("/incoming", "sw.kancelaria"),
    ("/outgoing", "sw.kancelaria"),
    ("/delivery", "sw.kancelaria"),
    ("/archive", "sw.archiwista"),
    ("/audit", "sw.admin"),
    ("/units", "sw.admin"),
    ("/users", "sw.admin"),
    ("/substitutions", "sw.admin"),
    ("/jrwa", "sw.admin"),
    ("/draft", "sw.referent"),
)


def login_for(path: str) -> str:
    for fragment, login in ROLE_BY_PATH:
        if fragment in path:
            return login
    return "sw.kierownik"


@pytest.fixture(scope="module")
def st_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    site = make_site(tmp_path_factory.mktemp("schemathesis") / "ezd")
    site.world.in_approval("sp-swidnik")  # something to read
    yield site
    site.app.db.dispose()


@pytest.fixture(scope="module")
def api_schema(st_site: Site):  # type: ignore[no-untyped-def]
    return schemathesis.openapi.from_asgi("/api/openapi.json", st_site.web)


def test_api_never_fails_with_a_server_error(st_site: Site, api_schema) -> None:  # type: ignore[no-untyped-def]
    # one test looping over operations: schemathesis' pytest loader does not support pytest 9 yet
    from hypothesis import given

    failures: list[str] = []
    operations = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case) -> None:  # type: ignore[no-untyped-def]
            headers = {}
            if not case.path.startswith(("/api/v1/public", "/api/v1/auth/login", "/files/")):
                login = login_for(case.path)
                st_site.client(login)  # signs in once, caches the token
                headers["Authorization"] = f"Bearer {st_site._tokens[login]}"
            response = case.call(headers=headers)
            case.validate_response(response, checks=[not_a_server_error])
            assert "Traceback" not in response.text

        try:
            run()
        except Exception as exc:
            failures.append(f"{operation.label}: {str(exc).splitlines()[0][:300]}")
    assert operations > 30
    assert failures == []
