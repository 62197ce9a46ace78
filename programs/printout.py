"""The printable program the patient takes home (issue 19): one template for the browser's print
view and the PDF, for the patient and for the clinic's staff.

`printout_context` gathers what the page shows; `render_pdf` turns the rendered HTML into a PDF
with WeasyPrint. Stylesheets are read from the static files on this machine, never fetched over
the network, so a PDF cannot be made to reach out to another host.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import default_storage
from django.urls import Resolver404, resolve
from django.utils.dates import WEEKDAYS

from . import selectors
from .models import DrillMedia, Program

# "Monday" ... "Sunday" in the reader's language (Django's own catalogue).
DAY_NAMES = tuple(WEEKDAYS[n] for n in range(7))
# The base URL the PDF's relative links resolve against; only its static path is ever read.
PDF_BASE_URL = "https://groundwork.invalid/"


def printout_context(program: Program, *, pdf: bool = False) -> dict:
    """What the printout shows: the drills in order (the ones the engine put on hold apart),
    the week, the pause advice of a paused program, the clinic's contact details.

    `program` comes with its items, drills and drill media loaded (selectors.with_items);
    `pdf` points the pictures at the app's own address, which the PDF reads from storage."""
    # The patient's handout is in the patient's language, whoever prints it.
    items = list(selectors.read_in(program, program.patient.language).items.all())
    # A program paused by a red flag hides its drills (docs/clinical-rules.md §8): the printout
    # shows what to do now instead of drills the patient should not be doing.
    pause = selectors.program_pause(program)
    by_pk = {item.pk: item for item in items}
    plan = selectors.week_plan(items)
    return {
        "program": program,
        "pdf": pdf,
        "patient": program.patient,
        "clinic": program.clinic,
        # The patient's handout, in the patient's zone whoever prints it.
        "time_zone": program.patient.time_zone or program.clinic.time_zone,
        "pause": pause,
        "items": [] if pause else [item for item in items if not item.paused],
        "held_items": [] if pause else [item for item in items if item.paused],
        "week": [
            {"day": DAY_NAMES[n], "drills": [by_pk[pk].how_to.name for pk in ids]}
            for n, ids in enumerate(plan)
        ],
    }


def pdf_filename(program: Program) -> str:
    return f"groundwork-program-v{program.version}.pdf"


def _static_path(url: str) -> str | None:
    """The file on disk behind a static URL of the printout page, or None."""
    parts, base = urlsplit(url), urlsplit(PDF_BASE_URL)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None
    path = unquote(parts.path).lstrip("/")
    prefix = urlsplit(settings.STATIC_URL).path.strip("/") + "/"
    if not path.startswith(prefix):
        return None
    name = path[len(prefix) :]
    if ".." in name.split("/"):
        return None
    found = finders.find(name)
    if found:
        return found
    try:  # after collectstatic (production) the files live in the static storage
        if staticfiles_storage.exists(name):
            return staticfiles_storage.path(name)
    except NotImplementedError:  # a remote storage has no local path
        return None
    return None


def _media_name(url: str, clinic_id: int | None) -> str | None:
    """The storage name behind a drill media address of the printout (programs.media_views),
    if a medium of the program's clinic is stored under it; else None."""
    parts, base = urlsplit(url), urlsplit(PDF_BASE_URL)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None
    try:
        match = resolve(unquote(parts.path))
    except Resolver404:
        return None
    if match.url_name != "drill_media_file":
        return None
    name = match.kwargs["name"]
    if not DrillMedia.objects.filter(file=name, clinic_id=clinic_id).exists():
        return None
    return name


class _StaticFilesFetcher(weasyprint.URLFetcher):
    """Serve the page's own static files (stylesheets) from disk and its drill pictures from
    the media storage; refuse anything else, so no PDF ever makes a network request."""

    def __init__(self, *args, clinic_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.clinic_id = clinic_id

    def fetch(self, url, headers=None):
        name = _media_name(url, self.clinic_id)
        if name is not None:
            with default_storage.open(name, "rb") as handle:
                return weasyprint.urls.URLFetcherResponse(url, handle.read())
        path = _static_path(url)
        if path is None:
            raise ValueError(
                f"The printout only loads this site's static files and drill media, not {url}"
            )
        return super().fetch(Path(path).as_uri(), headers)


def render_pdf(html: str, *, clinic_id: int | None = None) -> bytes:
    """The PDF of a rendered printout page; it may show the drill media of `clinic_id`."""
    document = weasyprint.HTML(
        string=html, base_url=PDF_BASE_URL, url_fetcher=_StaticFilesFetcher(clinic_id=clinic_id)
    )
    return document.write_pdf()
