"""Tests of booking: availability, services, API, calendar and the public page."""
