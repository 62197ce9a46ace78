"""Form controls take clicks: the checkbox-and-help-text layout the browser test clicks
(tests/browser/test_form_controls.py), checked here without a browser."""

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

STYLESHEET = Path(settings.BASE_DIR) / "static" / "css" / "groundwork.css"


def test_a_checkbox_with_help_text_is_rendered_box_then_help(client, world):
    client.force_login(world.home.admin)
    page = client.get(reverse("setup_type_new")).content.decode()
    # The markup that Pico lays out as "input + small": the help text follows the box, under
    # the id the box names in aria-describedby.
    assert re.search(
        r'aria-describedby="id_is_public_helptext"[^>]*id="id_is_public"[^>]*>\s*'
        r'<small class="muted" id="id_is_public_helptext">Bookable',
        page,
    )


def test_standalone_checkboxes_get_the_margin_their_help_text_slides_into():
    # Pico gives `input + small` a negative top margin of .75 spacing, taken from the input's
    # bottom margin; a checkbox has none, so the help text covered the box (review B5).
    css = STYLESHEET.read_text()
    rule = re.search(
        r':where\(form, fieldset\) > :is\(\[type="checkbox"\], \[type="radio"\]\) '
        r"\{(?P<body>[^}]*)\}",
        css,
    )
    assert rule, "no rule for standalone checkboxes"
    assert "display: block" in rule["body"]
    assert "margin-bottom: var(--pico-spacing)" in rule["body"]
