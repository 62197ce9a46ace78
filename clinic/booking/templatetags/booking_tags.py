"""Template tags of the front-desk calendars: the appointment cards of a day or week column,
and the clinicians to choose from."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from ..models import AppointmentStatus, BookingSource
from ..selectors import CalendarAppointment

register = template.Library()

# The week calendar, the front desk's busiest page, shows hundreds of cards. As template
# markup (an include with a {% url %}, filters and a dozen lookups each) they took most of the
# page's time; written out here they cost a few microseconds each. The markup is the one the
# template wrote, and every value is escaped as autoescaping did (Django's `escape` is
# `html.escape`; these values are plain strings from the database, never already safe).
_URL_PREFIX = "booking_appointment_url_prefix"


def _url_prefix(context: template.Context) -> str:
    """`/calendar/appointments/` of `/calendar/appointments/<pk>/`, reversed once per page."""
    cache = context.render_context
    if _URL_PREFIX not in cache:
        url = reverse("booking_appointment", kwargs={"pk": 0})
        cache[_URL_PREFIX] = escape(url.removesuffix("0/"))
    return cache[_URL_PREFIX]


def _card(card: CalendarAppointment, url_prefix: str, show_clinician: bool) -> str:
    details = escape(card.type_name)
    if show_clinician:
        details += f" · {escape(card.clinician_name)}"
    if card.status != AppointmentStatus.BOOKED:
        details += f" · {escape(card.status_label)}"
    if card.source == BookingSource.PUBLIC:
        details += " · booked online"
    if card.cancelled_source == BookingSource.PUBLIC:
        details += " · cancelled by the patient"
    return (
        f'<a href="{url_prefix}{card.pk}/" class="appointment-card status-{escape(card.status)}">\n'
        f'  <span class="type-dot" data-color="{escape(card.type_color)}"></span>\n'
        f"  <strong>{escape(card.starts)}–{escape(card.ends)}</strong>\n"
        f"  {escape(card.patient_name)}<br>\n"
        f"  <small>{details}</small>\n"
        "</a>\n"
    )


@register.simple_tag(takes_context=True)
def appointment_cards(
    context: template.Context,
    appointments: Iterable[CalendarAppointment],
    show_clinician: bool = False,
) -> SafeString:
    """One card per appointment, linking to it: its local times, patient and type, the
    clinician when asked, and its status and online booking or cancelling worth a note."""
    url_prefix = _url_prefix(context)
    cards = "".join(_card(card, url_prefix, show_clinician) for card in appointments)
    return mark_safe(cards)  # noqa: S308 (every value in a card is escaped above)


@register.simple_tag
def clinician_options(clinicians: Iterable, chosen: int | None) -> SafeString:
    """An <option> per clinician (anything with a pk that prints as their name), the chosen
    one selected; written here for the same reason as the cards, on every calendar page."""
    options = "".join(
        f'<option value="{c.pk}"{" selected" if c.pk == chosen else ""}>{escape(str(c))}</option>'
        for c in clinicians
    )
    return mark_safe(options)  # noqa: S308 (names escaped above, pks are integers)
