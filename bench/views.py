"""The benchmark's ceiling: the cheapest response Django gives through the full middleware."""

from django.http import HttpResponse


def bare(request):
    """No database, no template: what every real page is measured against."""
    return HttpResponse(b"ok", content_type="text/plain")
