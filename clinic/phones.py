"""Phone numbers: what people type, national or international, read into E.164 (+14105550100),
the one form Groundwork stores and the one an SMS provider accepts."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy
from phonenumbers import PhoneNumberFormat, PhoneNumberType

# A patient's number is there to reach them; a premium-rate number only costs the clinic money
# (toll fraud through texts), so it is never stored.
REFUSED_TYPES = {
    PhoneNumberType.PREMIUM_RATE: gettext_lazy("A premium-rate number cannot be used.")
}


def region_of(clinic) -> str:
    """The country whose national numbers a clinic's staff and patients type: the clinic's own
    country when set, else PHONE_DEFAULT_REGION."""
    return (getattr(clinic, "country", "") or settings.PHONE_DEFAULT_REGION).upper()


def _example(region: str) -> str:
    example = phonenumbers.example_number_for_type(region, PhoneNumberType.MOBILE)
    return phonenumbers.format_number(example, PhoneNumberFormat.NATIONAL) if example else ""


def _invalid(text: str, region: str) -> ValidationError:
    example = _example(region)
    if example:
        message = gettext(
            "“{text}” is not a valid phone number. Give the full number, e.g. {example}, or "
            "start a number from another country with + and its country code."
        ).format(text=text, example=example)
    else:
        message = gettext(
            "“{text}” is not a valid phone number. Give the full number or start a number "
            "from another country with + and its country code."
        ).format(text=text)
    return ValidationError(message, code="invalid_phone")


def phone_normalise(raw: str | None, *, region: str) -> str:
    """The number in E.164, read as a national number of `region` unless it starts with +;
    "" stays "". Raises ValidationError with a sentence for anything that is not a number
    a text could reach."""
    text = (raw or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise _invalid(text, region) from None
    if not phonenumbers.is_valid_number(number):
        raise _invalid(text, region)
    if number.extension:
        raise ValidationError(
            gettext("Give the number without an extension: texts cannot reach one."),
            code="invalid_phone",
        )
    refused = REFUSED_TYPES.get(phonenumbers.number_type(number))
    if refused:
        raise ValidationError(str(refused), code="invalid_phone")
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def phone_for_clinic(raw: str | None, clinic) -> str:
    """`phone_normalise` with the clinic's region."""
    return phone_normalise(raw, region=region_of(clinic))


def _stored_e164(value: str | None) -> phonenumbers.PhoneNumber | None:
    """The number `value` holds when it is valid and already in E.164, parsed once; else None."""
    if not value or not value.startswith("+"):
        return None
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return None
    if (
        not phonenumbers.is_valid_number(number)
        or number.extension
        or phonenumbers.format_number(number, PhoneNumberFormat.E164) != value
    ):
        return None
    return number


def is_e164(value: str | None) -> bool:
    """True for a stored number texts may go to: valid and already in E.164. A number kept as
    typed because it could not be read (clinic migration 0003) is not."""
    return _stored_e164(value) is not None


def phone_display(value: str | None) -> str:
    """A stored E.164 number grouped for reading (+1 410-555-0100); anything else as it is.
    Parses once: every e-mail of the reminder sweep prints the clinic's number."""
    number = _stored_e164(value)
    if number is None:
        return value or ""
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def validate_region(value: str) -> None:
    if value and value.upper() not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationError(
            gettext("%(value)r is not a two-letter country code (e.g. US, GB, DE).")
            % {"value": value}
        )


@lru_cache(maxsize=1)
def country_choices() -> tuple[tuple[str, str], ...]:
    """(code, "Germany (+49)") for every region phonenumbers knows, by name."""
    from phonenumbers import geocoder

    choices = []
    for region in phonenumbers.SUPPORTED_REGIONS:
        example = phonenumbers.example_number(region)
        name = geocoder.country_name_for_number(example, "en") if example else ""
        code = phonenumbers.country_code_for_region(region)
        choices.append((region, f"{name or region} (+{code})"))
    return tuple(sorted(choices, key=lambda choice: choice[1]))
