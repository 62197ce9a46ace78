"""Manage links out of stored notification payloads.

A booking's manage link is a credential (it cancels or moves the appointment). Payloads kept
it in the row, where the admin showed it; messages now sign it when they are written, so the
copies already stored are dropped.
"""

from django.db import migrations


def drop_manage_links(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    batch = []
    rows = Notification.objects.filter(payload__has_key="manage_url").only("pk", "payload")
    for row in rows.iterator(chunk_size=500):
        row.payload.pop("manage_url", None)
        batch.append(row)
        if len(batch) == 500:
            Notification.objects.bulk_update(batch, ["payload"])
            batch = []
    Notification.objects.bulk_update(batch, ["payload"])


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_staff_rescreen_due_kind")]

    operations = [migrations.RunPython(drop_manage_links, migrations.RunPython.noop)]
