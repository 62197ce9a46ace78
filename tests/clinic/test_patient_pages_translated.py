"""The CI check of issue 22: a page a patient or a public visitor reads has no text outside
Django's translation machinery (tests/i18n_check.py), and every string it hands to that
machinery has a Spanish translation in locale/es/LC_MESSAGES/django.po
(tests/i18n_catalogue.py). A new English sentence in one of these templates, or a new
msgid without its msgstr, fails here."""

from pathlib import Path

import pytest

import tests.i18n_catalogue as catalogue
import tests.i18n_check as check
from tests.i18n_catalogue import (
    TEMPLATES_DIR,
    python_messages,
    template_messages,
    untranslated,
)
from tests.i18n_check import untranslated_strings

# What a signed-in patient reads (the patient slice of issue 22), and the pages around it
# (sign-in, passwords, errors, message settings and the unsubscribe link).
PATIENT_TEMPLATES = (
    "base.html",
    "403.html",
    "404.html",
    "500.html",
    "_field_messages.html",
    "clinic/_form_fields.html",
    "clinic/home_patient.html",
    "clinic/login.html",
    "clinic/magic_link_confirm.html",
    "clinic/magic_link_request.html",
    "clinic/magic_link_sent.html",
    "programs/_patient_day.html",
    "programs/_patient_program.html",
    "programs/_pain_chips.html",
    "programs/_drill_medium.html",
    "programs/_printout_media.html",
    "programs/printout.html",
    "programs/printout_none.html",
    "programs/progress_report.html",
    "programs/progress_share.html",
    "programs/_running_load.html",
    "programs/my_runs.html",
    "programs/my_self_tests.html",
    "assessments/my_questionnaire.html",
    "assessments/my_questionnaire_done.html",
    "assessments/my_questionnaires.html",
    "registration/password_change_done.html",
    "registration/password_change_form.html",
    "registration/password_reset_complete.html",
    "registration/password_reset_confirm.html",
    "registration/password_reset_done.html",
    "registration/password_reset_form.html",
    "notifications/preferences.html",
    "notifications/unsubscribe.html",
)

# The Python modules whose messages reach a patient: forms, flash messages, the patient API
# and the services behind it, red-flag questions and advice, watch-file errors.
PATIENT_MODULES = (
    "assessments/instruments.py",
    "assessments/patient_api.py",
    "assessments/questionnaire_views.py",
    "assessments/questionnaires.py",
    "clinic/forms.py",
    "clinic/lockout.py",
    "clinic/magic_link_views.py",
    "clinic/magic_links.py",
    "clinic/notifications/forms.py",
    "clinic/notifications/views.py",
    "clinic/templatetags/units.py",
    "programs/patient_api.py",
    "programs/patient_home.py",
    "programs/patient_services.py",
    "programs/red_flags.py",
    "programs/run_services.py",
    "programs/run_views.py",
    "programs/runs.py",
    # Error messages of the patient's own API and of the public booking API and pages.
    "clinic/api.py",
    "clinic/api_defaults.py",
    "clinic/booking/api.py",
    "clinic/booking/waitlist.py",
    "clinic/phones.py",
    "programs/media.py",
    "programs/report_views.py",
)


def _relative(paths) -> tuple[str, ...]:
    return tuple(sorted(str(path.relative_to(TEMPLATES_DIR)) for path in paths))


# Public pages, e-mails and texts: another part of issue 22 (public booking and every message
# sent) translates them. Checked by the same rules; see the test at the end.
PUBLIC_AND_MESSAGE_TEMPLATES = _relative(
    [
        *TEMPLATES_DIR.glob("booking/public_*.html"),
        TEMPLATES_DIR / "booking/_waitlist_form.html",
        *TEMPLATES_DIR.glob("notifications/email/*.txt"),
        *TEMPLATES_DIR.glob("notifications/sms/*.txt"),
    ]
)


def test_the_lists_name_real_templates():
    for name in (*PATIENT_TEMPLATES, *PUBLIC_AND_MESSAGE_TEMPLATES):
        assert (TEMPLATES_DIR / name).is_file(), name
    assert any(name.startswith("booking/public_") for name in PUBLIC_AND_MESSAGE_TEMPLATES)
    assert any(name.startswith("notifications/sms/") for name in PUBLIC_AND_MESSAGE_TEMPLATES)


@pytest.mark.parametrize("template", PATIENT_TEMPLATES)
def test_a_patient_page_has_no_text_outside_the_translation_tags(template):
    assert untranslated_strings([template]) == []


@pytest.mark.parametrize("template", PATIENT_TEMPLATES)
def test_every_string_of_a_patient_page_has_its_spanish(template):
    missing = untranslated(template_messages(template))
    assert missing == [], "run `make messages` and write the msgstr of: " + repr(missing)


@pytest.mark.parametrize("module", PATIENT_MODULES)
def test_every_message_a_patient_meets_in_python_has_its_spanish(module):
    assert Path(module).suffix == ".py"
    missing = untranslated(python_messages(module))
    assert missing == [], "run `make messages` and write the msgstr of: " + repr(missing)


def test_the_patient_lists_are_not_empty_of_translations():
    """The check is only as good as the strings it sees: the patient pages hand hundreds of
    strings to the machinery, each translated."""
    found = set().union(*(template_messages(name) for name in PATIENT_TEMPLATES))
    assert len(found) > 250
    assert (None, "Save", None) in found
    assert ("date format", "l j M", None) in found


# The checker itself: it must see what it is meant to catch.


def test_the_checker_finds_english_left_in_a_template(tmp_path, monkeypatch):
    (tmp_path / "page.html").write_text(
        '{% load i18n %}<h1>{% translate "Fine" %}</h1><p>Left in English</p>'
        '<img alt="A drill" src="x.png">{% blocktranslate %}Also fine{% endblocktranslate %} km'
    )
    monkeypatch.setattr(check, "TEMPLATES_DIR", tmp_path)
    found = [finding.text for finding in untranslated_strings(["page.html"])]
    assert sorted(found) == ["A drill", "Left in English"]


def test_the_catalogue_check_finds_a_string_without_spanish(tmp_path, monkeypatch):
    (tmp_path / "page.html").write_text(
        '{% load i18n %}{% translate "Save" %}{% translate "A sentence nobody translated" %}'
    )
    monkeypatch.setattr(catalogue, "TEMPLATES_DIR", tmp_path)
    assert untranslated(catalogue.template_messages("page.html")) == [
        (None, "A sentence nobody translated", None)
    ]


def test_public_pages_emails_and_texts_are_translated_too():
    findings = untranslated_strings(PUBLIC_AND_MESSAGE_TEMPLATES)
    missing = untranslated(
        set().union(*(template_messages(name) for name in PUBLIC_AND_MESSAGE_TEMPLATES))
    )
    assert findings == [] and missing == [], (findings[:20], missing[:20])
