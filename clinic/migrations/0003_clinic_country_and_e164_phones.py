"""Clinics get a country (whose national phone numbers their staff type), and the phone
numbers already stored are put in E.164, the form texts need.

A number that cannot be read as a valid one is kept exactly as typed: dropping it would lose
the only way to call the patient. The patient page flags it for a fix, and no text is ever
sent to it (clinic.phones.is_e164 guards the SMS channel).
"""

import phonenumbers
from django.conf import settings
from django.db import migrations, models

import clinic.phones


def _normalised(raw: str, region: str) -> str:
    """The rule of clinic.phones.phone_normalise as it stood for this migration (a migration
    keeps its own copy: later changes to the live code must not change what it did)."""
    try:
        number = phonenumbers.parse(raw.strip(), region)
    except phonenumbers.NumberParseException:
        return raw
    if (
        not phonenumbers.is_valid_number(number)
        or number.extension
        or phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.PREMIUM_RATE
    ):
        return raw
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phones_to_e164(apps, schema_editor):
    Clinic = apps.get_model("clinic", "Clinic")
    Patient = apps.get_model("clinic", "Patient")
    regions = {}
    changed_clinics = []
    for row in Clinic.objects.only("pk", "country", "phone"):
        regions[row.pk] = (row.country or settings.PHONE_DEFAULT_REGION).upper()
        phone = _normalised(row.phone, regions[row.pk]) if row.phone else ""
        if phone != row.phone:
            row.phone = phone
            changed_clinics.append(row)
    Clinic.objects.bulk_update(changed_clinics, ["phone"], batch_size=500)
    changed = []
    for row in (
        Patient.objects.exclude(phone="").only("pk", "clinic_id", "phone").iterator(chunk_size=2000)
    ):
        phone = _normalised(row.phone, regions[row.clinic_id])
        if phone != row.phone:
            row.phone = phone
            changed.append(row)
        if len(changed) >= 2000:
            Patient.objects.bulk_update(changed, ["phone"])
            changed = []
    Patient.objects.bulk_update(changed, ["phone"])


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0002_patient_birth_date_and_sex_optional"),
    ]

    operations = [
        migrations.AddField(
            model_name="clinic",
            name="country",
            field=models.CharField(
                blank=True,
                help_text="Two-letter code, e.g. US. Blank: the server's default "
                "(PHONE_DEFAULT_REGION).",
                max_length=2,
                validators=[clinic.phones.validate_region],
            ),
        ),
        # The typed forms are not kept, so going back leaves the numbers in E.164.
        migrations.RunPython(phones_to_e164, migrations.RunPython.noop, elidable=True),
    ]
