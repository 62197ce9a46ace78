"""Template filters for phone numbers: a stored E.164 number shown grouped for reading."""

from django import template

from clinic.phones import is_e164, phone_display

register = template.Library()


@register.filter
def phone(value: str | None) -> str:
    """`{{ patient.phone|phone }}`: +14105550100 reads +1 410-555-0100; others as stored."""
    return phone_display(value)


@register.filter
def phone_needs_fix(value: str | None) -> bool:
    """True for a number on file that is not a valid E.164 one (kept as typed long ago)."""
    return bool(value) and not is_e164(value)
