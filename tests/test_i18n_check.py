"""The template checker of tests/i18n_check.py finds visible English left outside the
translation tags, and only that."""

from tests.i18n_check import untranslated_in_source, visible_text


def _texts(source: str) -> list[str]:
    return [f.text for f in untranslated_in_source("example.html", source)]


def test_text_between_tags_is_reported_with_its_line():
    findings = untranslated_in_source(
        "example.html", "{% load i18n %}\n<p>\n  Save the screen\n</p>"
    )
    assert [(f.line, f.text) for f in findings] == [(2, "Save the screen")]


def test_translated_text_is_not_reported():
    source = """{% load i18n %}
<h1>{% translate "Patients" %}</h1>
<p>{% blocktranslate trimmed with name=patient.full_name %}
  Messages sent to {{ name }}
{% endblocktranslate %}</p>
<p>{% blocktranslate count counter=n %}{{ counter }} row{% plural %}{{ counter }} rows
{% endblocktranslate %}</p>
{% translate "Free" as free_label %}{% for r in rows %}<td>{{ free_label }}</td>{% endfor %}"""
    assert _texts(source) == []


def test_visible_attributes_are_checked_and_code_attributes_are_not():
    source = """<input type="search" name="q" placeholder="Search by name" class="wide"
  hx-get="/patients/" data-x="some words">
<img src="/a.png" alt="QR code to scan">
<a href="/x" title="Open the rule" aria-label="Book Monday">{{ n }}</a>
<form data-confirm="Remove the drill?"></form>
<input type="submit" value="Save changes"><input type="hidden" name="next" value="home page">"""
    assert _texts(source) == [
        "Search by name",
        "QR code to scan",  # reported for its other words; "QR" alone would pass
        "Open the rule",
        "Book Monday",
        "Remove the drill?",
        "Save changes",
    ]


def test_comments_scripts_styles_and_units_are_not_text():
    source = """{% comment %}A note for developers, not shown.{% endcomment %}{# also hidden #}
<script>const label = "not checked";</script><style>.a::after { content: "x" }</style>
<td>{{ value }} cm</td><td>{{ km }} km · {{ t }} min</td><td>—</td><td>3 × 10 × 30 s</td>"""
    assert _texts(source) == []


def test_english_in_a_default_filter_is_reported():
    source = '{{ patient.email|default:"none given" }} {{ x|default:"—" }} {{ y|default:_("ok") }}'
    assert _texts(source) == ['"none given"']


def test_visible_text_of_a_rendered_page():
    html = (
        '<main><h1>⟦Patients⟧</h1><input placeholder="Find">'
        '<p class="x">  Ada   Lovelace </p></main>'
    )
    assert visible_text(html) == ["⟦Patients⟧", "Find", "Ada Lovelace"]
