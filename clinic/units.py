"""Units a patient reads and types: kilometres or miles, centimetres or inches.

Every rule computes in one internal unit (kilometres/metres for distance, centimetres for
length); these functions convert only at the edges, for display and for input. Pure Python,
no Django.
"""

from decimal import ROUND_HALF_UP, Decimal

METRIC = "metric"
IMPERIAL = "imperial"
SYSTEMS = (METRIC, IMPERIAL)

KM_PER_MILE = 1.609344  # exact, by the 1959 international yard
CM_PER_INCH = 2.54  # exact


def miles_to_km(miles: float) -> float:
    return miles * KM_PER_MILE


def km_to_miles(km: float) -> float:
    return km / KM_PER_MILE


def inches_to_cm(inches: float) -> float:
    return inches * CM_PER_INCH


def cm_to_inches(cm: float) -> float:
    return cm / CM_PER_INCH


def km_for_display(km: float, units: str) -> float:
    """`km` in the distance unit of `units` (miles when imperial)."""
    return km_to_miles(km) if units == IMPERIAL else km


def cm_for_display(cm: float, units: str) -> float:
    """`cm` in the length unit of `units` (inches when imperial)."""
    return cm_to_inches(cm) if units == IMPERIAL else cm


def km_from_input(value: float, units: str) -> float:
    """A distance typed in the unit of `units`, in km."""
    return miles_to_km(value) if units == IMPERIAL else value


def cm_from_input(value: float, units: str) -> float:
    """A length typed in the unit of `units`, in cm."""
    return inches_to_cm(value) if units == IMPERIAL else value


def distance_label(units: str) -> str:
    return "miles" if units == IMPERIAL else "km"


def length_label(units: str) -> str:
    return "in" if units == IMPERIAL else "cm"


def tenths(value: float) -> Decimal:
    """`value` rounded half up to one decimal, as stored for km and cm."""
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def pace_text(seconds_per_km: float | None, units: str) -> str:
    """ "5:12 /km", or per mile when imperial; "" without a pace."""
    if seconds_per_km is None:
        return ""
    per_unit = seconds_per_km * KM_PER_MILE if units == IMPERIAL else seconds_per_km
    minutes, seconds = divmod(round(per_unit), 60)
    return f"{minutes}:{seconds:02d} /{'mi' if units == IMPERIAL else 'km'}"
