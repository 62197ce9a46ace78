# The patient's time zone moves from their message settings to Patient (one zone per person).

from django.db import migrations


def copy_to_patient(apps, schema_editor):
    ChannelPreference = apps.get_model("notifications", "ChannelPreference")
    Patient = apps.get_model("clinic", "Patient")
    for patient_id, zone in ChannelPreference.objects.exclude(time_zone="").values_list(
        "patient_id", "time_zone"
    ):
        Patient.objects.filter(pk=patient_id).update(time_zone=zone)


def copy_back(apps, schema_editor):
    ChannelPreference = apps.get_model("notifications", "ChannelPreference")
    for preference in ChannelPreference.objects.select_related("patient"):
        if preference.patient.time_zone:
            preference.time_zone = preference.patient.time_zone
            preference.save(update_fields=["time_zone"])


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0004_patient_time_zone"),
        ("notifications", "0006_kind_waitlist_offer"),
    ]

    operations = [
        migrations.RunPython(copy_to_patient, copy_back),
        migrations.RemoveField(
            model_name="channelpreference",
            name="time_zone",
        ),
    ]
