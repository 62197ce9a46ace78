from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "clinic.booking"
    label = "booking"
    verbose_name = "Booking"

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)
