"""Find user-visible English left outside Django's translation machinery in templates.

Used by the i18n tests: each test passes its own list of templates to
``untranslated_strings`` and asserts the result is empty.

How it works, in three steps:

1. Django's own template ``Lexer`` splits the file into tokens. Text inside
   ``{% blocktranslate %}...{% endblocktranslate %}`` (and ``{% comment %}``) is
   dropped; every other ``{% ... %}`` / ``{{ ... }}`` tag becomes a space. The
   ``{% translate "..." %}`` tag is a block token, so its text is dropped too.
2. What is left is plain HTML. ``html.parser`` walks it: text between tags is
   visible, as are the attributes a person reads or hears (``VISIBLE_ATTRIBUTES``,
   plus ``value`` on submit/button/reset inputs). Other attributes (class, id,
   href, name, hx-get, data-*, ...) and the content of ``<script>``/``<style>``
   are code, not text, and are ignored.
3. Any run of letters in a visible piece is reported unless the whole run is in
   ``ALLOWED_WORDS``: units, symbols and product names that read the same in
   every language.

What it cannot see: string literals inside tags, such as
``{{ x|default:"none" }}`` or ``{% include ... with label="Save" %}``. Those are
reported by ``literal_strings`` below for the common cases (``default``,
``default_if_none`` and ``yesno`` filters); other tag arguments are left to review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import Lexer, TokenType

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

# Attributes whose value is shown to a user or read by a screen reader.
VISIBLE_ATTRIBUTES = frozenset(
    {
        "title",
        "placeholder",
        "alt",
        "aria-label",
        "aria-description",
        "aria-roledescription",
        "aria-valuetext",
        "label",  # <option label>, <optgroup label>, <track label>
        "data-confirm",  # our confirm() prompt text (static/js)
        "hx-confirm",
        "hx-prompt",
    }
)
# <input type=...> whose value is the button's caption.
BUTTON_INPUT_TYPES = frozenset({"submit", "button", "reset"})

# Whole letter-runs that need no translation. Keep this short and commented.
ALLOWED_WORDS = frozenset(
    {
        "Groundwork",  # product name
        "km",  # SI units are written the same in English and Spanish
        "cm",
        "kg",
        "min",
        "h",  # the hour symbol, as in km/h
        "s",  # the second symbol, as in a 30 s hold
        "bpm",  # cadence unit on the running chart, as runners' watches write it
        "spm",  # steps per minute, the same on watches in every language
        "QR",  # "QR code" is a trade name
        "JSON",  # a file format's name, as a download link's text
    }
)

WORD = re.compile(r"[^\W\d_]+")
START_BLOCKS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans"}
LITERAL_FILTER = re.compile(r"\|(?:default|default_if_none|yesno):(\"[^\"]*\"|'[^']*')")


@dataclass(frozen=True)
class Finding:
    template: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.template}:{self.line}: {self.text!r}"


def _markup_without_template_tags(source: str) -> str:
    """The template as HTML: tags blanked, translated and commented text removed.

    Newlines are kept so that line numbers from the HTML parser match the file.
    """
    out: list[str] = []
    skip_until: str | None = None
    for token in Lexer(source).tokenize():
        raw = token.contents
        # A tag becomes a space (plus its own newlines, so later line numbers stay true).
        text = raw if token.token_type == TokenType.TEXT else " " + "\n" * raw.count("\n")
        if skip_until is not None:
            if token.token_type == TokenType.BLOCK and raw.split()[:1] == [skip_until]:
                skip_until = None
            out.append("\n" * text.count("\n"))
            continue
        if token.token_type == TokenType.BLOCK:
            name = raw.split()[0] if raw.split() else ""
            if name in START_BLOCKS:
                skip_until = START_BLOCKS[name]
            elif name == "comment":
                skip_until = "endcomment"
        out.append(text)
    return "".join(out)


def _words(text: str) -> list[str]:
    return [w for w in WORD.findall(text) if w not in ALLOWED_WORDS]


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._code_depth = 0  # inside <script> or <style>

    def _note(self, text: str) -> None:
        if _words(text):
            self.found.append((self.getpos()[0], " ".join(text.split())))

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._code_depth += 1
        values = dict(attrs)
        for name, value in attrs:
            if value is None:
                continue
            if name in VISIBLE_ATTRIBUTES or (
                name == "value"
                and tag == "input"
                and (values.get("type") or "").lower() in BUTTON_INPUT_TYPES
            ):
                self._note(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._code_depth:
            self._code_depth -= 1

    def handle_data(self, data):
        if not self._code_depth:
            self._note(data)


def untranslated_strings(template_names) -> list[Finding]:
    """Visible text outside the translation tags in the named templates.

    ``template_names`` are paths relative to the project's ``templates/`` folder,
    e.g. ``"clinic/patient_list.html"``.
    """
    findings: list[Finding] = []
    for name in template_names:
        source = (TEMPLATES_DIR / name).read_text(encoding="utf-8")
        findings += untranslated_in_source(name, source)
    return findings


def untranslated_in_source(name: str, source: str) -> list[Finding]:
    """The same check on a template's text; `name` only labels the findings."""
    parser = _VisibleText()
    parser.feed(_markup_without_template_tags(source))
    parser.close()
    return [Finding(name, line, text) for line, text in parser.found] + literal_strings(
        name, source
    )


def visible_text(html: str) -> list[str]:
    """The pieces of a rendered page a person reads or hears: text between tags and the
    visible attributes, each with its whitespace collapsed (pieces without a word are left
    out). Used to look at a page rendered under a fake catalogue."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return [text for _line, text in parser.found]


def literal_strings(name: str, source: str) -> list[Finding]:
    """English inside ``default``/``default_if_none``/``yesno`` filter arguments."""
    findings = []
    for token in Lexer(source).tokenize():
        if token.token_type not in (TokenType.VAR, TokenType.BLOCK):
            continue
        for literal in LITERAL_FILTER.findall(token.contents):
            if _words(literal[1:-1]):
                findings.append(Finding(name, token.lineno, literal))
    return findings
