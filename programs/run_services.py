"""Write side of the patient's own running data: watch uploads (runs) and home self-tests."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext, ngettext

from clinic.models import Patient

from . import runs, self_test_schedule
from .models import SELF_TEST_RANGES, Run, SelfTest, SelfTestKind

# Read a little more than the limit to know a file is too big without reading all of it.
_CHUNK = 64 * 1024


class RunUploadError(ValueError):
    """One of the uploaded files cannot be used; nothing of the request was stored."""

    def __init__(self, filename: str, message: str, params: dict[str, str] | None = None):
        self.filename = filename
        # The file's name, then what is wrong with it, in the reader's language (the values
        # of the problem's placeholders filled in after it is translated).
        problem = gettext(message) % params if params else gettext(message)
        super().__init__(gettext("%(file)s: %(problem)s") % {"file": filename, "problem": problem})


@dataclass(frozen=True)
class UploadedRun:
    run: Run
    duplicate: bool  # the same file was uploaded before (or twice in this request)


def _file_name(upload) -> str:
    # Only the last part of what the browser sent, and not too long for a message.
    name = (getattr(upload, "name", "") or "file").replace("\\", "/").rsplit("/", 1)[-1]
    return name[:120] or "file"


def _too_large(limit: int) -> str:
    return gettext("is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024) or 1}


def _read_capped(upload, limit: int, name: str) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise RunUploadError(name, _too_large(limit))
    chunks, total = [], 0
    for chunk in upload.chunks(_CHUNK) if hasattr(upload, "chunks") else [upload.read()]:
        total += len(chunk)
        if total > limit:
            raise RunUploadError(name, _too_large(limit))
        chunks.append(chunk)
    return b"".join(chunks)


def runs_upload(*, patient: Patient, files: list) -> list[UploadedRun]:
    """Store the runs of several watch files at once, all or nothing: every file is read and
    checked first, and one bad file (unknown type, damaged, too large) stores none of them
    and raises RunUploadError naming it. A file the patient uploaded before (same content)
    returns the run already stored instead of a second one."""
    if not files:
        raise RunUploadError("file", gettext("send at least one FIT, TCX or GPX file."))
    if len(files) > settings.RUN_UPLOAD_MAX_FILES:
        raise RunUploadError(
            "file",
            ngettext(
                "send at most %(count)d file at a time.",
                "send at most %(count)d files at a time.",
                settings.RUN_UPLOAD_MAX_FILES,
            )
            % {"count": settings.RUN_UPLOAD_MAX_FILES},
        )
    parsed: list[tuple[str, runs.RunSummary]] = []
    for upload in files:
        name = _file_name(upload)
        data = _read_capped(upload, settings.RUN_FILE_MAX_BYTES, name)
        try:
            summary = runs.summarise(data)
        except runs.RunFileError as exc:
            raise RunUploadError(name, exc.message, exc.params) from exc
        parsed.append((hashlib.sha256(data).hexdigest(), summary))
    tz = patient.clinic.tz
    with transaction.atomic():
        known = {
            run.sha256: run
            for run in Run.objects.filter(
                patient=patient, sha256__in=[digest for digest, _ in parsed]
            )
        }
        result = []
        for digest, summary in parsed:
            if digest in known:
                result.append(UploadedRun(known[digest], duplicate=True))
                continue
            run = _run_create(patient=patient, digest=digest, summary=summary, tz=tz)
            known[digest] = run
            result.append(UploadedRun(run, duplicate=False))
    return result


def _run_create(*, patient: Patient, digest: str, summary: runs.RunSummary, tz) -> Run:
    gain = summary.elevation_gain_m
    fields = {
        "clinic_id": patient.clinic_id,
        "date": summary.local_date(tz),
        "start_time": summary.start,
        "distance_m": round(summary.distance_m),
        "duration_s": summary.duration_s,
        "cadence_spm": summary.cadence_spm,
        "elevation_gain_m": Decimal(str(round(gain, 1))) if gain is not None else None,
        "source_format": summary.source_format,
    }
    try:
        # A savepoint: the same file sent by two requests at once is stored by one of them.
        with transaction.atomic():
            return Run.objects.create(patient=patient, sha256=digest, **fields)
    except IntegrityError:
        return Run.objects.get(patient=patient, sha256=digest)


def self_test_record(
    *, patient: Patient, day: date, test: str, left: Decimal, right: Decimal
) -> SelfTest:
    """Keep one home self-test (both sides). Values outside the test's range are refused.
    It answers any open request for self-tests (programs.self_test_schedule)."""
    if test not in SelfTestKind.values:
        raise ValidationError({"test": gettext("Unknown test %(test)r.") % {"test": test}})
    low, high = SELF_TEST_RANGES[SelfTestKind(test)]
    errors = {
        side: gettext("Must be between %(low)s and %(high)s.") % {"low": low, "high": high}
        for side, value in (("left", left), ("right", right))
        if not low <= value <= high
    }
    if errors:
        raise ValidationError(errors)
    if day > patient.today():  # the patient's own day
        raise ValidationError({"date": gettext("Cannot be in the future.")})
    with transaction.atomic():
        self_test = SelfTest.objects.create(
            patient=patient,
            clinic_id=patient.clinic_id,
            date=day,
            test=test,
            left=left,
            right=right,
        )
        # Asked for self-tests (every two weeks, or by the clinician): this answers it.
        self_test_schedule.self_test_requests_answer(patient=patient)
    return self_test
