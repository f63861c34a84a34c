"""Property-based API tests generated from the OpenAPI spec (schemathesis, in-process ASGI).

Every operation is called with generated inputs -- valid ones and ones that break the schema --
by a person holding the role it is meant for, and every response goes through all of
schemathesis' checks (the ``--checks all`` of the command line): no server error, only
documented statuses, bodies and content types as documented (the one error body included, also
for FastAPI's 422), invalid input rejected, valid input accepted, auth not ignored, unsupported
methods answered 405 with ``Allow``.

One deliberate setting: valid-by-schema input may also get 400 (``positive_data_acceptance``).
The schema cannot say "the unit must exist in this office" or "the XML must be an ePUAP letter";
the service answers that with 400 and the one error body.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode

from .conftest import Site, make_site

ROLE_BY_PATH = (
    ("/incoming", "sw.kancelaria"),
    ("/outgoing", "sw.kancelaria"),
    ("/delivery", "sw.kancelaria"),
    ("/archive", "sw.archiwista"),
    ("/audit", "sw.admin"),
    ("/admin/", "sw.admin"),
    ("/units", "sw.admin"),
    ("/users", "sw.admin"),
    ("/substitutions", "sw.admin"),
    ("/jrwa", "sw.admin"),
    ("/draft", "sw.referent"),
)
# Random offices and signs answer 404/403 before any service does real work; a third pass
# fixes the path to the seeded office and its case so the services run on real records.
KNOWN: dict[str, str] = {"tenant": "sp-swidnik"}
PUBLIC = ("/api/v1/public", "/api/v1/auth/login", "/files/")
# examples per operation and pass: ~45 operations x 3 passes stays around a minute
MAX_EXAMPLES = 5

CONFIG = """
[checks]
enabled = true
positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "409", "429"]
"""


def login_for(path: str) -> str:
    for fragment, login in ROLE_BY_PATH:
        if fragment in path:
            return login
    return "sw.kierownik"


@pytest.fixture(scope="module")
def st_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    site = make_site(tmp_path_factory.mktemp("schemathesis") / "ezd")
    KNOWN["sign"] = site.world.in_approval("sp-swidnik")  # something to read
    yield site
    site.app.db.dispose()


@pytest.fixture(scope="module")
def api_schema(st_site: Site) -> Iterator[Any]:
    config = SchemathesisConfig.from_str(CONFIG)
    yield schemathesis.openapi.from_asgi("/api/openapi.json", st_site.web, config=config)
    # Schemathesis runs ASGI calls on one event-loop thread per process that it ends only at
    # exit; end it with this module so no thread outlives the tests that use it.
    from schemathesis.python import asgi

    asgi._shutdown()


def all_checks() -> list[Callable[..., Any]]:
    """Every registered check: what ``--checks all`` runs."""
    load_all_checks()
    return [c for c in CHECKS.get_all() if callable(c) and not isinstance(c, type)]


def run_operation(
    operation: Any,
    mode: GenerationMode,
    headers: dict[str, str],
    checks: list[Callable[..., Any]],
    path_parameters: dict[str, str] | None = None,
) -> str | None:
    """The first failure of the operation's generated cases in one mode, or None."""

    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def run(case: Any) -> None:
        response = case.call_and_validate(headers=headers, checks=checks)
        assert "Traceback" not in response.text

    try:
        run()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # schemathesis reports a FailureGroup (an exception group)
        return " | ".join(line.strip() for line in str(exc).strip().splitlines()[:14])[:1200]
    return None


def test_every_operation_documents_its_answers(api_schema: Any) -> None:
    """A response model for every success and the one error body for every error status."""
    spec = api_schema.raw_schema
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    missing: list[str] = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            for status, answer in op["responses"].items():
                media = answer.get("content", {})
                if (
                    status.startswith("2")
                    and status != "204"
                    and not any(m.get("schema") for m in media.values())
                ) and ("application/json" in media or not media):
                    missing.append(f"{method.upper()} {path} {status}: no response model")
                if status[0] in "45":
                    ref = media.get("application/json", {}).get("schema", {}).get("$ref", "")
                    # DuplicateBody is the error body plus the earlier item's links (registration)
                    if not ref.endswith(("/ErrorBody", "/DuplicateBody")):
                        missing.append(f"{method.upper()} {path} {status}: not the error body")
            if (op.get("parameters") or op.get("requestBody")) and "422" not in op["responses"]:
                missing.append(f"{method.upper()} {path}: 422 not documented")
    assert missing == []


def test_api_passes_every_schemathesis_check(st_site: Site, api_schema: Any) -> None:
    # one test looping over operations: schemathesis' pytest loader does not support pytest 9 yet
    checks = all_checks()
    assert {c.__name__ for c in checks} >= {
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
        "positive_data_acceptance",
        "ignored_auth",
        "unsupported_method",
    }
    failures: list[str] = []
    operations = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1
        headers: dict[str, str] = {}
        if not operation.path.startswith(PUBLIC):
            login = login_for(operation.path)
            st_site.client(login)  # signs in once, caches the token
            headers["Authorization"] = f"Bearer {st_site._tokens[login]}"
        raw = operation.definition.raw
        # an operation with no parameters and no body has nothing to break
        modes = [GenerationMode.POSITIVE]
        if raw.get("parameters") or raw.get("requestBody"):
            modes.append(GenerationMode.NEGATIVE)
        passes: list[tuple[str, GenerationMode, dict[str, str] | None]] = [(m.value, m, None) for m in modes]
        known = {name: KNOWN[name] for name in KNOWN if "{" + name + "}" in operation.path}
        if known:
            passes.append(("known path", GenerationMode.POSITIVE, known))
        for name, mode, fixed in passes:
            failure = run_operation(operation, mode, headers, checks, fixed)
            if failure:
                failures.append(f"{operation.label} [{name}]: {failure}")
    assert operations > 40
    assert failures == [], "\n".join(failures)
