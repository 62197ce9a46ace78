"""Distances and lengths in the unit a patient chose (clinic/units.py converts).

`{{ km|distance:units }}` is the number in km or miles; `{{ units|distance_unit }}` names it.
An empty or unknown `units` (a staff page) reads as metric.
"""

from django import template

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


@register.filter
def distance_unit(units):
    return conversions.distance_label(units)


@register.filter
def length_unit(units):
    return conversions.length_label(units)


@register.filter
def pace(seconds_per_km, units):
    return conversions.pace_text(seconds_per_km, units)
