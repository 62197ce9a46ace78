"""Drill media pages (issue 19): a clinic admin adds pictures and videos to the drills of the
clinic's library; the app serves the stored files to the clinic's staff and patients."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from clinic.access import PATIENT, STAFF_ROLES, membership_of, role_required, scope
from clinic.forms import add_service_errors
from clinic.models import Role

from . import selectors, services
from .models import DrillMedia, MediaKind


class MediaForm(forms.Form):
    kind = forms.ChoiceField(
        choices=MediaKind.choices,
        initial=MediaKind.IMAGE,
        widget=forms.RadioSelect,
        label=_("Kind"),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("A JPEG, PNG, WebP or GIF picture, or a short MP4 or WebM video."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,video/mp4,video/webm"}),
    )
    alt = forms.CharField(
        max_length=services.MAX_ALT,
        required=False,
        label=_("What the picture shows (alt text)"),
        help_text=_("Read aloud to people who cannot see it. Required for pictures."),
    )
    caption = forms.CharField(
        max_length=services.MAX_CAPTION, required=False, label=_("Caption (optional)")
    )
    # For patients who read Spanish (issue 22); left empty, they read the English.
    alt_es = forms.CharField(
        max_length=services.MAX_ALT,
        required=False,
        label="What the picture shows, in Spanish (optional)",
        widget=forms.TextInput(attrs={"lang": "es"}),
    )
    caption_es = forms.CharField(
        max_length=services.MAX_CAPTION,
        required=False,
        label="Caption in Spanish (optional)",
        widget=forms.TextInput(attrs={"lang": "es"}),
    )


def _point_at_errors(form: forms.Form) -> None:
    """Each input with an error names its message (aria-describedby), so it is read out."""
    for name in form.errors:
        if name in form.fields and name != "kind":
            form.fields[name].widget.attrs.update(
                {"aria-describedby": f"id_{name}-error", "aria-invalid": "true"}
            )


def _clinic(request):
    return membership_of(request.user).clinic


@role_required(Role.CLINIC_ADMIN)
@require_http_methods(["GET"])
def drill_library(request):
    """The clinic's drills, each with how many media it shows; search by name."""
    clinic = _clinic(request)
    search = request.GET.get("q", "").strip()[:100]
    drills = list(selectors.drills_for_clinic(clinic=clinic, search=search))
    counts = selectors.drill_media_counts(clinic=clinic, drill_ids=[d.pk for d in drills])
    rows = [{"drill": drill, "media": counts.get(drill.pk, 0)} for drill in drills]
    return render(request, "programs/drill_library.html", {"rows": rows, "search": search})


@role_required(Role.CLINIC_ADMIN)
@require_http_methods(["GET", "POST"])
def drill_media(request, pk: int):
    """One drill's media of this clinic, and the upload form."""
    clinic = _clinic(request)
    drill = get_object_or_404(
        selectors.drills_for_clinic(clinic=clinic, include_hidden=True), pk=pk
    )
    status = 200
    form = MediaForm()
    if request.method == "POST":
        form = MediaForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.drill_media_add(
                    user=request.user,
                    clinic=clinic,
                    drill=drill,
                    upload=form.cleaned_data["file"],
                    kind=form.cleaned_data["kind"],
                    alt=form.cleaned_data["alt"],
                    caption=form.cleaned_data["caption"],
                    alt_es=form.cleaned_data["alt_es"],
                    caption_es=form.cleaned_data["caption_es"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Added to %(drill)s.") % {"drill": drill.name})
                return redirect("drill_media", pk=drill.pk)
        status = 400
        _point_at_errors(form)
    context = {
        "drill": drill,
        "media": selectors.drill_media_for(clinic=clinic, drill=drill),
        "form": form,
        "max_image_mb": settings.DRILL_MEDIA_MAX_IMAGE_BYTES // (1024 * 1024),
        "max_video_mb": settings.DRILL_MEDIA_MAX_VIDEO_BYTES // (1024 * 1024),
    }
    return render(request, "programs/drill_media.html", context, status=status)


@role_required(Role.CLINIC_ADMIN)
@require_POST
def drill_media_delete(request, pk: int):
    medium = get_object_or_404(
        scope(DrillMedia.objects.select_related("drill"), request.user, roles=[Role.CLINIC_ADMIN]),
        pk=pk,
    )
    services.drill_media_delete(clinic=_clinic(request), medium=medium)
    messages.success(request, f"Removed from {medium.drill.name}.")
    return redirect("drill_media", pk=medium.drill_id)


@role_required(*STAFF_ROLES, PATIENT)
@require_http_methods(["GET", "HEAD"])
def media_file(request, name: str):
    """A stored drill picture or video, streamed from the storage (any backend), to the staff
    and patients of the clinic that owns it; anyone else gets a 404."""
    medium = selectors.media_file_for(user=request.user, name=name)
    if medium is None:
        raise Http404(gettext("No such file."))
    try:
        handle = default_storage.open(medium.file.name, "rb")
    except FileNotFoundError:
        raise Http404(gettext("No such file.")) from None
    response = FileResponse(handle, content_type=medium.content_type)
    response["Content-Disposition"] = "inline"
    # The file is served as what it was checked to be; nothing in it runs as a page.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
