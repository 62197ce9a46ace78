"""The strings a set of templates and Python modules hand to Django's translation machinery,
and which of them the Spanish catalogue leaves untranslated.

Used by the i18n tests with `tests/i18n_check.py` (which finds text left outside the
machinery): together they are the CI check that a patient-facing page has no English a
Spanish reader would meet.

How the strings are found, without GNU gettext (CI need not have it):

- templates: Django's own `templatize` (what `makemessages` feeds to xgettext) turns each
  `{% translate %}` / `{% blocktranslate %}` into a `gettext(...)`, `pgettext(...)`,
  `ngettext(...)` or `npgettext(...)` call with Python string literals; the literals are read
  back with `ast.literal_eval`.
- Python: the module's syntax tree, calls to the names `makemessages` looks for (`gettext`,
  `gettext_lazy`, `_`, `gettext_noop`, `pgettext*`, `ngettext*`, `npgettext*`) with literal
  arguments (implicit concatenation is joined by the parser, as xgettext does).

A message is (context or None, singular, plural or None), the key polib gives an entry.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polib
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = ROOT / "templates"
SPANISH_PO = ROOT / "locale/es/LC_MESSAGES/django.po"

Message = tuple[str | None, str, str | None]

# name -> (has a context first, has a plural)
_FUNCTIONS = {
    "gettext": (False, False),
    "gettext_lazy": (False, False),
    "gettext_noop": (False, False),
    "_": (False, False),
    "pgettext": (True, False),
    "pgettext_lazy": (True, False),
    "ngettext": (False, True),
    "ngettext_lazy": (False, True),
    "npgettext": (True, True),
    "npgettext_lazy": (True, True),
}
_LITERAL = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
_TEMPLATE_CALL = re.compile(rf"\b(n?p?gettext)\(\s*({_LITERAL}(?:\s*,\s*{_LITERAL})*)", re.DOTALL)


def _message(name: str, literals: list[str]) -> Message | None:
    with_context, plural = _FUNCTIONS[name]
    needed = 1 + with_context + plural
    if len(literals) < needed:
        return None
    context = literals[0] if with_context else None
    singular = literals[1 if with_context else 0]
    return (context, singular, literals[needed - 1] if plural else None)


def template_messages(name: str) -> set[Message]:
    """The messages of one template (a path under templates/)."""
    source = (TEMPLATES_DIR / name).read_text(encoding="utf-8")
    found = set()
    for match in _TEMPLATE_CALL.finditer(templatize(source, origin=name)):
        literals = [
            ast.literal_eval(text) for text in re.findall(_LITERAL, match.group(2), re.DOTALL)
        ]
        message = _message(match.group(1), literals)
        if message is not None:
            found.add(message)
    return found


def python_messages(path: str) -> set[Message]:
    """The messages of one Python module (a path from the project's root)."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in _FUNCTIONS:
            continue
        literals = []
        for arg in node.args:
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                break
            literals.append(arg.value)
        message = _message(name, literals)
        if message is not None:
            found.add(message)
    return found


def untranslated(messages: set[Message], po_path: Path = SPANISH_PO) -> list[Message]:
    """The messages with no translation (or a fuzzy one) in the catalogue, sorted."""
    translated = set()
    for entry in polib.pofile(str(po_path)):
        if entry.obsolete or entry.fuzzy:
            continue
        done = (
            all(entry.msgstr_plural.values()) and bool(entry.msgstr_plural)
            if entry.msgid_plural
            else bool(entry.msgstr)
        )
        if done:
            translated.add((entry.msgctxt, entry.msgid, entry.msgid_plural or None))
    return sorted(messages - translated, key=lambda m: (m[1], m[0] or "", m[2] or ""))
