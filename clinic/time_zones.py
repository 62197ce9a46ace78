"""The time zones a person may choose, and the zone each signed-in person sees dates in."""

from __future__ import annotations

import zoneinfo

from .access import membership_of, patient_of

# Zones nobody lives in by that name: fixed offsets and the old System V and posix copies.
SKIPPED_ZONE_PREFIXES = ("Etc/", "SystemV/", "posix/", "right/")


def time_zone_choices(clinic_zone: str, current: str) -> list[tuple[str, str]]:
    """Blank for the clinic's zone, then the IANA zones by name (the current one kept)."""
    zones = sorted(
        zone
        for zone in zoneinfo.available_timezones()
        if "/" in zone and not zone.startswith(SKIPPED_ZONE_PREFIXES)
    )
    if current and current not in zones:
        zones.insert(0, current)
    return [("", f"The clinic's time zone ({clinic_zone})"), *((z, z) for z in zones)]


def zone_of(user) -> zoneinfo.ZoneInfo | None:
    """The zone `user` reads dates and times in: staff their clinic's, a patient their own
    (else their clinic's); None for anyone else. No query beyond the cached role lookups."""
    membership = membership_of(user)
    if membership is not None:
        return membership.clinic.tz
    patient = patient_of(user)
    return patient.tz if patient is not None else None
