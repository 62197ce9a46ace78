"""The declared access matrix: every route, every actor, the expected HTTP status.

Actors: anonymous, patient_a and patient_b (patients of the home clinic; objects in the
matrix belong to patient_a), frontdesk, clinician, admin (home clinic), other_admin and
other_clinician (another clinic). A route missing here fails `test_every_route_is_declared`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from assessments.models import QuestionnaireAssignment
from programs import report_sharing

ACTORS = (
    "anonymous",
    "patient_a",
    "patient_b",
    "frontdesk",
    "clinician",
    "admin",
    "other_admin",
    "other_clinician",
)
STAFF = ("frontdesk", "clinician", "admin")
OTHER = ("other_admin", "other_clinician")


def outcome(default: int, **per_actor: int) -> dict[str, int]:
    return {actor: per_actor.get(actor, default) for actor in ACTORS}


def public(status: int = 200) -> dict[str, int]:
    return outcome(status)


def page(*, roles=STAFF, other: int | None = 200, anon: int = 302) -> dict[str, int]:
    """A browser page: anonymous users are sent to sign in, other roles get 403.

    `other` is what the other clinic's staff get: 200 for pages about their own clinic,
    404 for a page about one of our records, 403 when their role is not allowed at all.
    """
    result = {}
    for actor in ACTORS:
        if actor == "anonymous":
            result[actor] = anon
        elif actor in OTHER:
            role = "admin" if actor == "other_admin" else "clinician"
            result[actor] = (other if role in roles else 403) if other is not None else 403
        elif actor in roles:
            result[actor] = 200
        else:
            result[actor] = 403
    return result


def api(*, roles=STAFF, other: int | None = 200, ok: int = 200) -> dict[str, int]:
    """An API operation: 401 without credentials, 403 for other roles, `ok` when allowed."""
    result = page(roles=roles, other=other, anon=401)
    return {actor: (ok if status == 200 else status) for actor, status in result.items()}


@dataclass
class Route:
    """How to call one route for the matrix and what each actor gets."""

    url: Callable[[object], str]
    expect: dict[str, int]
    method: str = "get"
    data: Callable[[object], dict] = field(default=lambda ctx: {})


def staff_gets(expect: dict[str, int], status: int) -> dict[str, int]:
    """The same rules, but the home clinic's allowed staff get `status` (e.g. 400 for an empty
    form, 302 for a redirect after an action) instead of 200."""
    return {
        actor: (status if actor in STAFF and code == 200 else code)
        for actor, code in expect.items()
    }


# Audit trail, patient export and anonymisation (clinic/audit). Merged into MATRIX by
# test_access_matrix.py. The trail is a clinic admin's page about their own clinic (the other
# clinic's admin sees their own trail); exports are clinical; patients export their own data.
AUDIT_ROUTES: dict[str, Route] = {
    "audit/": Route(lambda c: "/audit/", page(roles=("admin",))),
    "audit/export/": Route(lambda c: "/audit/export/", page(roles=("admin",))),
    "patients/<int:pk>/export/<str:fmt>/": Route(
        lambda c: f"/patients/{c.home.patient_a.pk}/export/json/",
        page(roles=("clinician", "admin"), other=404),
    ),
    "patients/<int:pk>/anonymise/": Route(
        lambda c: f"/patients/{c.home.patient_a.pk}/anonymise/", page(roles=("admin",), other=404)
    ),
    "me/export/<str:fmt>/": Route(
        lambda c: "/me/export/csv/", page(roles=("patient_a", "patient_b"))
    ),
}


# The waitlist (clinic/booking/waitlist.py). Merged into MATRIX by test_access_matrix.py. Front
# desk and admins keep the clinic's list (the other clinic's admin sees their own, empty one);
# anyone may join it, and an offer's signed link is the credential to take the offered time.
WAITLIST_KEEPERS = ("frontdesk", "admin")
WAITLIST_ROUTES: dict[str, Route] = {
    "calendar/waitlist/": Route(lambda c: "/calendar/waitlist/", page(roles=WAITLIST_KEEPERS)),
    "calendar/waitlist/<int:pk>/withdraw/": Route(
        lambda c: f"/calendar/waitlist/{c.waitlist_entry.pk}/withdraw/",
        staff_gets(page(roles=WAITLIST_KEEPERS, other=404), 302),
        method="post",
    ),
    "book/waitlist/": Route(lambda c: "/book/waitlist/?clinic=home", public(200)),
    "book/waitlist/<str:token>/": Route(
        lambda c: f"/book/waitlist/{c.waitlist_token}/", public(200)
    ),
    # An empty body names the missing fields.
    "api/v1/public/waitlist/": Route(
        lambda c: "/api/v1/public/waitlist/?clinic=home", public(400), method="post"
    ),
}


# Drill media (issue 19). Clinic admins add pictures to their clinic's drills; the drill here is
# one of the home clinic's own, so the other clinic's admin gets 404 (a library drill shared by
# every clinic would open for them, for their own clinic's media). Files are served to the
# clinic's staff and patients, and are 404 to anyone of another clinic.
MEDIA_ROUTES: dict[str, Route] = {
    "programs/library/": Route(lambda c: "/programs/library/", page(roles=("admin",))),
    "programs/library/<int:pk>/media/": Route(
        lambda c: f"/programs/library/{c.custom_drill.pk}/media/",
        page(roles=("admin",), other=404),
    ),
    "programs/library/media/<int:pk>/delete/": Route(
        lambda c: f"/programs/library/media/{c.medium.pk}/delete/",
        staff_gets(page(roles=("admin",), other=404), 302),
        method="post",
    ),
    "media/<path:name>": Route(
        lambda c: f"/media/{c.medium.file.name}",
        page(roles=("patient_a", "patient_b", *STAFF), other=404),
    ),
}


# A drill's patient text in English and Spanish (issue 22). Clinicians and admins edit their
# clinic's own drills; the drill here is the home clinic's own, so the other clinic's staff get
# 404. Library drills open read-only for every clinic (tests/programs/test_drill_text_page.py).
DRILL_TEXT_ROUTES: dict[str, Route] = {
    "programs/library/<int:pk>/text/": Route(
        lambda c: f"/programs/library/{c.custom_drill.pk}/text/",
        page(roles=("clinician", "admin"), other=404),
    ),
}


# Patient-completed questionnaires (issue 21). Merged into MATRIX by test_access_matrix.py. A
# patient reads and answers only their own (the matrix's belongs to patient_a: patient_b gets
# 404); the clinician or admin sends the discharge set from the chart.
def questionnaire(ctx) -> int:
    """patient_a's pending LEFS, made when a route first needs it."""
    patient = ctx.home.patient_a
    assignment, _ = QuestionnaireAssignment.objects.get_or_create(
        patient=patient,
        instrument="lefs",
        status="pending",
        defaults={"clinic": patient.clinic, "due_on": patient.clinic.today(), "source": "intake"},
    )
    return assignment.pk


_PATIENTS = ("patient_a", "patient_b")
QUESTIONNAIRE_ROUTES: dict[str, Route] = {
    "api/v1/me/questionnaires/": Route(
        lambda c: "/api/v1/me/questionnaires/", api(roles=_PATIENTS, other=None)
    ),
    # An empty body: the owner is told what is missing, anyone else's id is not found.
    "api/v1/me/questionnaires/<int:pk>/": Route(
        lambda c: f"/api/v1/me/questionnaires/{questionnaire(c)}/",
        {**api(roles=_PATIENTS, other=None, ok=400), "patient_b": 404},
        method="post",
    ),
    "me/questionnaires/": Route(lambda c: "/me/questionnaires/", page(roles=_PATIENTS, other=None)),
    "me/questionnaires/<int:pk>/": Route(
        lambda c: f"/me/questionnaires/{questionnaire(c)}/",
        {**page(roles=_PATIENTS, other=None), "patient_b": 404},
    ),
    "patients/<int:patient_pk>/questionnaires/discharge/": Route(
        lambda c: f"/patients/{c.home.patient_a.pk}/questionnaires/discharge/",
        staff_gets(page(roles=("clinician", "admin"), other=404), 302),
        method="post",
    ),
}


# Runs from the watch and home self-tests (issue 21). Merged into MATRIX by
# test_access_matrix.py. Only patients, each for their own records; staff read them on the
# patient's chart, never through these routes.
OWN = ("patient_a", "patient_b")
RUNS_ROUTES: dict[str, Route] = {
    "me/runs/": Route(lambda c: "/me/runs/", page(roles=OWN, other=None)),
    "me/self-tests/": Route(lambda c: "/me/self-tests/", page(roles=OWN, other=None)),
    "api/v1/me/runs/": Route(lambda c: "/api/v1/me/runs/", api(roles=OWN, other=None)),
    # An empty body names the missing fields.
    "api/v1/me/self-tests/": Route(
        lambda c: "/api/v1/me/self-tests/", api(roles=OWN, other=None, ok=400), method="post"
    ),
    # The clinician or admin asks one of their clinic's patients for self-tests (front desk
    # staff do not: 403; the other clinic's staff do not find the patient: 404).
    "patients/<int:pk>/self-tests/ask/": Route(
        lambda c: f"/patients/{c.home.patient_a.pk}/self-tests/ask/",
        staff_gets(page(roles=("clinician", "admin"), other=404), 302),
        method="post",
    ),
}


# The progress report (issue 21). The patient prints or downloads their own; the clinic's
# clinicians and admins from the chart of one of their patients (the other clinic's get 404).
# Front desk staff do not read clinical data: 403.
_CLINICAL = ("clinician", "admin")
REPORT_ROUTES: dict[str, Route] = {
    "me/progress/print/": Route(lambda c: "/me/progress/print/", page(roles=OWN, other=None)),
    "me/progress.pdf": Route(lambda c: "/me/progress.pdf", page(roles=OWN, other=None)),
    "patients/<int:pk>/progress/print/": Route(
        lambda c: f"/patients/{c.home.patient_a.pk}/progress/print/",
        page(roles=_CLINICAL, other=404),
    ),
    "patients/<int:pk>/progress.pdf": Route(
        lambda c: f"/patients/{c.home.patient_a.pk}/progress.pdf",
        page(roles=_CLINICAL, other=404),
    ),
    # The patient's share step: only patients, each for their own report. A link to stop
    # belongs to patient_a: patient_b does not find it (404).
    "me/progress/share/": Route(lambda c: "/me/progress/share/", page(roles=OWN, other=None)),
    "me/progress/share/<int:pk>/revoke/": Route(
        lambda c: f"/me/progress/share/{report_share(c).pk}/revoke/",
        {**staff_gets(page(roles=OWN, other=None), 302), "patient_a": 302, "patient_b": 404},
        method="post",
    ),
    # The share link is the credential: anyone who has it reads the report, signed in or not.
    "shared/progress/<str:token>/": Route(
        lambda c: report_sharing.share_path(report_share(c)), public(200)
    ),
    "shared/progress/<str:token>/report.pdf": Route(
        lambda c: report_sharing.share_pdf_path(report_share(c)), public(200)
    ),
}


def report_share(ctx):
    """A fresh working share link of patient_a's progress report, made when a route needs it
    (the revoke route stops one per call)."""
    return report_sharing.report_share_create(patient=ctx.home.patient_a, days=7)
