"""Audit trail: write history of patient data (PostgreSQL triggers through django-pghistory),
an access log of staff reads and exports, the clinic's trail pages, patient export and
anonymisation."""
