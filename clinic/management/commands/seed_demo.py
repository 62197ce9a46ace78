"""`manage.py seed_demo`: create the demo clinic and "Other Clinic"; safe to run twice."""

from django.core.management.base import BaseCommand

from assessments.demo import seed_questionnaires, seed_screens
from clinic.site.demo import DEMO_PASSWORD, seed_demo
from programs.demo import seed_program


class Command(BaseCommand):
    help = "Create the demo clinic of interface.md (idempotent)."

    def handle(self, *args, **options):
        clinics = seed_demo()
        seed_screens(clinics)
        seed_program(clinics)
        seed_questionnaires(clinics)
        demo = clinics["demo"]
        if options["verbosity"] == 0:
            return
        self.stdout.write(self.style.SUCCESS(f"Demo clinic ready: {demo.clinic.name}"))
        self.stdout.write(f"Password for every demo account: {DEMO_PASSWORD}")
        for user in [*demo.staff.values(), demo.demo_patient.user]:
            self.stdout.write(f"  {user.email}")
