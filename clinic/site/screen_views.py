"""The screen page as the clinic sees it: assessments' page with the patient's home self-tests
(programs) beside the clinic's values. Composed here because assessments does not know
programs. The self-tests are one more query, whatever the patient's history."""

from assessments import views as assessment_views
from clinic.access import CLINICAL_ROLES, role_required
from programs import run_selectors


def _home_tests(screen) -> dict:
    return {"home_tests": run_selectors.home_tests_beside(screen)}


@role_required(*CLINICAL_ROLES)
def screen_detail(request, pk: int):
    return assessment_views.screen_detail_response(request, pk, extra=_home_tests)
