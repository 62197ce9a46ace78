"""Schemathesis fuzzes every operation of the OpenAPI schema, as each role.

The schema is read from /api/schema/ through the WSGI app (no server), and each generated
request is sent in-process with the role's API token. Both valid (positive) and invalid
(negative) requests are generated for every operation. Every response must not be a server
error and, when its status is documented, must match the documented response schema and
content type.

Each generated request runs inside a savepoint that is rolled back afterwards, so every case
starts from the same `world` (two clinics with screens, programs and appointments), whatever
the previous case created, changed or cancelled. Path ids and id-like body fields are drawn
partly from real rows of both clinics, so the fuzzer reaches the code behind the 404s.

CI runs FUZZ_CASES_PER_ROLE (2,000) cases per role, the same ones each time; set
SCHEMATHESIS_MAX_EXAMPLES for a longer, randomised run (SCHEMATHESIS_MAX_EXAMPLES=20000 runs
20,000 per role). Statuses the schema does not document (400, 401, 403, 404) are checked for
being no server error only.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from programs.models import Drill
from tests.factories import World
from tests.security.conftest import Furnished, Records

pytestmark = pytest.mark.django_db

FUZZ_CASES_PER_ROLE = 2_000
LONG_RUN = bool(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES"))
CASES_PER_ROLE = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES") or FUZZ_CASES_PER_ROLE)
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
ROLES = ("anonymous", "patient", "frontdesk", "clinician", "admin")


@pytest.fixture(scope="module")
def app():
    """Django's WSGI app, with the per-request connection clean-up off (as Django's own test
    client does) so that requests share the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", app)


@dataclass
class Rows:
    """Real ids of both clinics, offered to the fuzzer next to random ones."""

    path_ids: dict[str, list[int]] = field(default_factory=dict)
    body_values: dict[str, list] = field(default_factory=dict)


def _ids(records: Records) -> dict[str, list]:
    items = list(records.published.items.values_list("pk", flat=True)) + list(
        records.draft.items.values_list("pk", flat=True)
    )
    side = records.side
    return {
        "patients": [side.patient_a.pk, side.patient_b.pk],
        "appointments": [records.visit.pk, records.past_visit.pk],
        "screens": [records.screen.pk, records.draft_screen.pk],
        "programs": [records.published.pk, records.draft.pk],
        "drills": [Drill.objects.filter(clinic=None).first().pk, records.own_drill.pk],
        "items": items,
        "type": [records.kind.slug],
        "clinician": [side.clinician.pk],
        "clinic": [side.clinic.slug],
        "drill": [Drill.objects.filter(clinic=None).first().slug, records.own_drill.slug],
    }


@pytest.fixture
def fuzz_world(furnished: Furnished) -> tuple[World, Rows]:
    home, other = _ids(furnished.home), _ids(furnished.other)
    both = {key: home[key] + other[key] for key in home}
    rows = Rows()
    for prefix in ("patients", "appointments", "screens", "programs", "drills"):
        rows.path_ids[prefix] = both[prefix]
    rows.body_values = {
        "patient": both["patients"],
        "screen": both["screens"],
        "program_item": both["items"],
        "id": both["items"],
        "remove": [[item] for item in both["items"]],
        "type": both["type"],
        "clinician": both["clinician"],
        "clinic": both["clinic"],
        "drill": both["drill"],
    }
    return furnished.world, rows


def _headers(world: World, role: str) -> dict[str, str]:
    user = {
        "anonymous": None,
        "patient": world.home.patient_a.user,
        "frontdesk": world.home.frontdesk,
        "clinician": world.home.clinician,
        "admin": world.home.admin,
    }[role]
    if user is None:
        return {}
    token, _ = Token.objects.get_or_create(user=user)
    return {"Authorization": f"Token {token.key}"}


def _use_real_rows(case, rows: Rows, data) -> None:
    """Sometimes swap the generated id for a row that exists (ours or the other clinic's)."""
    if "id" in (case.path_parameters or {}) and data.draw(st.booleans(), label="real path id"):
        prefix = case.operation.path.removeprefix("/api/v1/").split("/")[0]
        ids = rows.path_ids.get(prefix)
        if ids:
            case.path_parameters["id"] = data.draw(st.sampled_from(ids), label="path id")
    if isinstance(case.body, dict) and data.draw(st.booleans(), label="real body ids"):
        for key, values in rows.body_values.items():
            if key in case.body:
                case.body[key] = data.draw(st.sampled_from(values), label=key)


@pytest.mark.parametrize("role", ROLES)
def test_fuzz_api_as_role(api_schema, fuzz_world, role):
    world, rows = fuzz_world
    headers = _headers(world, role)
    operations = [result.ok() for result in api_schema.get_all_operations()]
    runs = [(operation, mode) for operation in operations for mode in GenerationMode]
    sent = 0
    failures: list[str] = []

    for done, (operation, mode) in enumerate(runs):
        # Operations without parameters run out of distinct cases early; the budget they
        # leave is shared by the operations after them.
        budget = max(1, math.ceil((CASES_PER_ROLE - sent) / (len(runs) - done)))

        @settings(
            max_examples=budget,
            deadline=None,
            database=None,
            derandomize=not LONG_RUN,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
        def check(case, data):
            nonlocal sent
            _use_real_rows(case, rows, data)
            with transaction.atomic():
                response = case.call(headers=headers)
                sent += 1
                case.validate_response(response, checks=CHECKS, headers=headers)
                transaction.set_rollback(True)

        try:
            check()
        except Unsatisfiable:
            # An operation with no parameters and no body has nothing to make invalid.
            assert mode is GenerationMode.NEGATIVE, operation.label
        except (Exception, BaseExceptionGroup) as error:  # report every operation's failure
            failures.append(f"{operation.label} ({mode.value}): {error}"[:3000])

    if failures:
        pytest.fail("\n\n".join(failures), pytrace=False)
    assert sent >= CASES_PER_ROLE, f"only {sent} cases were sent as {role}"
