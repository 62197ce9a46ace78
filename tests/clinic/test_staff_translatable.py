"""Staff pages stay English for now but every visible string must be translatable.

The check walks each staff template with tests/i18n_check.py and fails on visible
text left outside {% translate %} / {% blocktranslate %}. A second test renders a
staff page under a fake catalogue to prove the strings really go through gettext.
"""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from clinic.booking.models import Appointment
from clinic.models import Role
from programs.models import Program, ProgramChange, ProgramItem
from tests import factories as f
from tests.i18n_check import untranslated_strings, visible_text
from tests.programs.test_me_api import make_program
from tests.programs.test_progression_service import log, one_drill_program

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
    # assessments (staff side)
    "assessments/thresholds.html",
    "assessments/screen_form.html",
    "assessments/_patient_screens.html",
    "assessments/_questionnaire_trends.html",
    "assessments/_screen_header.html",
    "assessments/screen_detail.html",
    "assessments/_screen_body.html",
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


# --- Rendered under a fake catalogue --------------------------------------------------------
# Every gettext call returns its text inside ⟦ ⟧. A staff page rendered so shows, in <main>,
# no word outside the marks except the data it names (people, e-mails, the clinic, the type).

DAY = date(2030, 3, 6)  # a Wednesday
NESTED_MARKS = re.compile(r"⟦[^⟦⟧]*⟧")
WORD = re.compile(r"[^\W\d_]+")


def _wrap(text):
    return f"⟦{text}⟧"


@pytest.fixture
def fake_catalogue(monkeypatch):
    """Every translation the page asks for, marked (the lazy ones too: they call these)."""
    trans = translation._trans
    monkeypatch.setattr(trans, "gettext", _wrap, raising=False)
    monkeypatch.setattr(trans, "pgettext", lambda context, text: _wrap(text), raising=False)
    monkeypatch.setattr(
        trans, "ngettext", lambda one, many, n: _wrap(one if n == 1 else many), raising=False
    )
    monkeypatch.setattr(
        trans,
        "npgettext",
        lambda context, one, many, n: _wrap(one if n == 1 else many),
        raising=False,
    )


def _words_outside_the_marks(html: str, data: list[str]) -> set[str]:
    main = html[html.index("<main") : html.index("</main>")]
    known = {w for value in data for w in WORD.findall(str(value))}
    left = set()
    for piece in visible_text(main + "</main>"):
        while NESTED_MARKS.search(piece):
            piece = NESTED_MARKS.sub(" ", piece)
        left |= {w for w in WORD.findall(piece) if w not in known}
    return left


@pytest.fixture
def clinic_day(db):
    clinic = f.ClinicFactory()
    desk = f.StaffFactory(clinic=clinic, role=Role.FRONT_DESK).user
    clinician = f.StaffFactory(clinic=clinic).user
    f.working_week(clinic, clinician)
    kind = f.AppointmentTypeFactory(clinic=clinic)
    patient = f.PatientFactory(clinic=clinic)
    f.appointment(clinic=clinic, patient=patient, clinician=clinician, kind=kind, day=DAY, hour=9)
    data = [clinic.name, desk, clinician, kind.name, patient.full_name, patient.email]
    return desk, data


def test_the_patient_list_puts_every_word_through_gettext(client, clinic_day, fake_catalogue):
    desk, data = clinic_day
    client.force_login(desk)
    html = client.get(reverse("patient_list")).content.decode()
    assert "⟦Add a patient⟧" in html
    assert 'placeholder="⟦Search by name or e-mail⟧"' in html
    assert _words_outside_the_marks(html, data) == set()


def test_the_week_calendar_puts_every_word_through_gettext(client, clinic_day, fake_catalogue):
    desk, data = clinic_day
    client.force_login(desk)
    html = client.get(reverse("booking_calendar_week"), {"date": DAY.isoformat()}).content.decode()
    assert "⟦Week of %(first)s⟧" not in html  # the values are filled in after translation
    assert "⟦Week of 4 ⟦March⟧ 2030⟧" in html  # the month named through gettext too
    assert "⟦Move⟧" in html and "⟦Book %(day)s from %(time)s⟧" not in html
    assert 'aria-label="⟦Book ⟦Wed⟧ 6 ⟦Mar⟧ from' in html
    assert _words_outside_the_marks(html, data) == set()


def test_the_appointment_page_puts_every_word_through_gettext(client, clinic_day, fake_catalogue):
    desk, data = clinic_day
    client.force_login(desk)
    pk = Appointment.objects.get().pk
    html = client.get(reverse("booking_appointment", args=[pk])).content.decode()
    assert "⟦Reason for cancelling⟧" in html  # a form label
    assert "⟦Booked⟧" in html  # the status: a model choice's lazily translated label
    assert _words_outside_the_marks(html, data) == set()


def test_the_worklist_puts_every_word_through_gettext(client, api, world, fake_catalogue):
    home = world.home
    api.force_login(home.patient_a.user)
    one_drill_program(home)
    log(api, home, 0, pain=8)  # T-STOP: a paused drill and an automatic change to review
    make_program(home, home.patient_b, items=1)
    client.force_login(home.clinician)
    html = client.get("/worklist/?show=all").content.decode()
    assert "⟦Review and resume⟧" in html or "⟦Accept⟧" in html
    # The engines' own sentences, stored with the program (why a drill was paused or changed,
    # the flags' messages), drill names and the T-STOP code are data here, not page text.
    patients = [home.patient_a, home.patient_b]
    items = ProgramItem.objects.filter(program__patient__in=patients)
    changes = ProgramChange.objects.filter(program__patient__in=patients)
    programs = Program.objects.filter(patient__in=patients)
    data = [
        *(flag.get("message", "") for program in programs for flag in program.flags or ()),
        home.patient_a.full_name,
        home.patient_b.full_name,
        "T-STOP",
        *(item.drill.name for item in items),
        *(item.pause_reason for item in items),
        *(change.reason for change in changes),
        *(str(change.detail.get("rule", "")) for change in changes),
    ]
    assert _words_outside_the_marks(html, data) == set()
