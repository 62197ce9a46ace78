"""Distances and lengths in the unit a patient chose (clinic/units.py converts).

`{{ km|distance:units }}` is the number in km or miles; `{{ units|distance_unit }}` names it.
An empty or unknown `units` (a staff page) reads as metric.
"""

from django import template
from django.utils.translation import pgettext_lazy

from clinic import units as conversions

register = template.Library()


@register.filter
def distance(km, units):
    if km is None or km == "":
        return km
    return conversions.km_for_display(float(km), units)


@register.filter
def length(cm, units):
    if cm is None or cm == "":
        return cm
    return conversions.cm_for_display(float(cm), units)


# The unit words in the reader's language; symbols (km, cm) read the same in every language.
UNIT_WORDS = {
    "miles": pgettext_lazy("unit", "miles"),
    "in": pgettext_lazy("unit symbol", "in"),
}


@register.filter
def distance_unit(units):
    label = conversions.distance_label(units)
    return UNIT_WORDS.get(label, label)


@register.filter
def length_unit(units):
    label = conversions.length_label(units)
    return UNIT_WORDS.get(label, label)


@register.filter
def pace(seconds_per_km, units):
    return conversions.pace_text(seconds_per_km, units)
