"""Drill media (issue 19): a clinic admin's checked uploads (type by content, size, metadata
stripped), tenancy, and the pictures on the patient's card, the printout, the PDF and the APIs,
read with one query for all items."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from clinic.models import User
from programs import printout, services
from programs.demo_media import seed_drill_media
from programs.models import Drill, DrillMedia, MediaKind
from tests.programs.test_me_api import make_program

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
WEBM_HEAD = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm" + b"\x00" * 64


def png_bytes(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(out, format="PNG")
    return out.getvalue()


def jpeg_with_gps(size=(3000, 2000)) -> bytes:
    """A camera-like JPEG: GPS position, camera make and a comment in its metadata."""
    image = Image.new("RGB", size, (30, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "Groundwork Test Camera"  # Make
    exif[0x0112] = 1  # Orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (39.0, 17.0, 24.0), 3: "W", 4: (76.0, 36.0, 43.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"taken at home")
    return out.getvalue()


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def custom_drill(side, slug="wall_lunge") -> Drill:
    return Drill.objects.create(
        clinic=side.clinic, slug=slug, name="Wall lunge", category="mobility"
    )


def upload(client, drill, data, name, *, kind="image", alt="A person lunging", caption=""):
    file = SimpleUploadedFile(name, data, content_type="image/jpeg")
    return client.post(
        f"/programs/library/{drill.pk}/media/",
        {"kind": kind, "file": file, "alt": alt, "caption": caption},
    )


def add_image(side, drill, *, alt="Heel raise, side view", caption="Rise slowly", kind="image"):
    data = MP4_HEAD if kind == "video" else png_bytes()
    return services.drill_media_add(
        user=side.admin,
        clinic=side.clinic,
        drill=drill,
        kind=kind,
        upload=SimpleUploadedFile("x", data),
        alt=alt,
        caption=caption,
    )


# --- uploads --------------------------------------------------------------------------------


def test_a_good_photo_is_resized_and_stripped_of_its_metadata(client, world):
    drill = custom_drill(world.home)
    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as check:  # the test photo really carries GPS
        assert check.getexif().get_ifd(GPS_IFD)
    client.force_login(world.home.admin)

    response = upload(client, drill, original, "holiday.jpg", caption="Keep the heel down")

    assert response.status_code == 302
    medium = DrillMedia.objects.get(drill=drill)
    assert (medium.clinic, medium.kind, medium.alt) == (
        world.home.clinic,
        "image",
        "A person lunging",
    )
    assert medium.caption == "Keep the heel down"
    assert (medium.width, medium.height) == (1200, 800)
    assert medium.file.name.startswith(f"drills/{world.home.clinic.pk}/")
    assert "holiday" not in medium.file.name  # the uploader's file name is not kept
    with default_storage.open(medium.file.name, "rb") as handle:
        data = handle.read()
    assert medium.size_bytes == len(data) < len(original)
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (1200, 800)
        assert len(stored.getexif()) == 0
        assert not {"exif", "comment", "icc_profile", "xmp"} & stored.info.keys()
    assert b"Groundwork Test Camera" not in data and b"taken at home" not in data


def test_a_renamed_text_file_is_refused_and_nothing_is_stored(client, world):
    drill = custom_drill(world.home)
    client.force_login(world.home.admin)
    response = upload(client, drill, b"name,pain\nCasey,3\n" * 20, "diagram.jpg")
    assert response.status_code == 400
    html = response.content.decode()
    assert "This file is not a picture we can use" in html
    assert 'id="id_file-error"' in html and 'aria-describedby="id_file-error"' in html
    assert not DrillMedia.objects.exists()
    assert stored_files() == []


def test_a_truncated_image_is_refused(client, world):
    drill = custom_drill(world.home)
    client.force_login(world.home.admin)
    response = upload(client, drill, jpeg_with_gps((400, 300))[:300], "cut.jpg")
    assert response.status_code == 400
    assert "not a picture we can use" in response.content.decode()
    assert not DrillMedia.objects.exists() and stored_files() == []


def test_an_oversized_image_is_refused_with_the_limit(client, world, settings):
    settings.DRILL_MEDIA_MAX_IMAGE_BYTES = 1024 * 1024  # 1 MB
    drill = custom_drill(world.home)
    client.force_login(world.home.admin)
    big = jpeg_with_gps() + b"\x00" * (1024 * 1024)  # padding after the image's end
    response = upload(client, drill, big, "big.jpg")
    assert response.status_code == 400
    assert "the largest allowed is 1 MB" in response.content.decode()
    assert not DrillMedia.objects.exists() and stored_files() == []


def test_a_picture_needs_alt_text(client, world):
    drill = custom_drill(world.home)
    client.force_login(world.home.admin)
    response = upload(client, drill, png_bytes(), "a.png", alt="   ")
    assert response.status_code == 400
    assert "for people who cannot see it" in response.content.decode()
    assert not DrillMedia.objects.exists() and stored_files() == []


def test_a_transparent_png_stays_a_png(world):
    out = io.BytesIO()
    Image.new("RGBA", (2400, 600), (0, 0, 0, 0)).save(out, format="PNG")
    medium = services.drill_media_add(
        user=world.home.admin,
        clinic=world.home.clinic,
        drill=custom_drill(world.home),
        kind="image",
        upload=SimpleUploadedFile("t.png", out.getvalue()),
        alt="Blank",
    )
    assert medium.content_type == "image/png" and medium.file.name.endswith(".png")
    assert (medium.width, medium.height) == (1200, 300)


@pytest.mark.parametrize("head, content_type", [(MP4_HEAD, "video/mp4"), (WEBM_HEAD, "video/webm")])
def test_a_video_is_accepted_by_its_signature(client, world, head, content_type):
    drill = custom_drill(world.home)
    client.force_login(world.home.admin)
    response = upload(client, drill, head, "clip.bin", kind="video", alt="")
    assert response.status_code == 302
    medium = DrillMedia.objects.get(drill=drill)
    assert (medium.kind, medium.content_type) == ("video", content_type)
    with default_storage.open(medium.file.name, "rb") as handle:
        assert handle.read() == head


def test_a_picture_renamed_as_a_video_is_refused(client, world):
    drill = custom_drill(world.home)
    client.force_login(world.home.admin)
    response = upload(client, drill, png_bytes(), "clip.mp4", kind="video")
    assert response.status_code == 400
    assert "not a video we can use: upload an MP4 or WebM video" in response.content.decode()
    assert not DrillMedia.objects.exists() and stored_files() == []


def test_an_oversized_video_is_refused(client, world, settings):
    settings.DRILL_MEDIA_MAX_VIDEO_BYTES = 100
    drill = custom_drill(world.home)
    client.force_login(world.home.admin)
    response = upload(client, drill, MP4_HEAD + b"\x00" * 200, "clip.mp4", kind="video")
    assert response.status_code == 400
    assert "This video is" in response.content.decode()
    assert not DrillMedia.objects.exists() and stored_files() == []


def test_a_failure_after_the_file_is_stored_removes_the_file(world, monkeypatch):
    def refuse(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(DrillMedia.objects, "create", refuse)
    with pytest.raises(RuntimeError):
        add_image(world.home, custom_drill(world.home))
    assert stored_files() == []


def test_the_admin_deletes_a_picture_and_its_file(
    client, world, django_capture_on_commit_callbacks
):
    drill = custom_drill(world.home)
    medium = add_image(world.home, drill)
    assert default_storage.exists(medium.file.name)
    client.force_login(world.home.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/programs/library/media/{medium.pk}/delete/")
    assert response.status_code == 302
    assert not DrillMedia.objects.exists()
    assert not default_storage.exists(medium.file.name)


def test_the_library_page_lists_drills_with_their_media_counts(client, world):
    drill = Drill.objects.get(clinic=None, slug="heel_raise_bilateral")
    add_image(world.home, drill)
    client.force_login(world.home.admin)
    html = client.get("/programs/library/", {"q": "heel raise"}).content.decode()
    assert f'href="/programs/library/{drill.pk}/media/"' in html
    page = client.get(f"/programs/library/{drill.pk}/media/").content.decode()
    assert 'alt="Heel raise, side view"' in page and "Delete picture" in page


# --- tenancy --------------------------------------------------------------------------------


def test_another_clinics_admin_cannot_upload_to_or_delete_our_media(client, world):
    drill = custom_drill(world.home)
    ours = add_image(world.home, drill)
    client.force_login(world.other.admin)
    assert upload(client, drill, png_bytes(), "a.png").status_code == 404
    assert client.post(f"/programs/library/media/{ours.pk}/delete/").status_code == 404
    assert client.get(f"/media/{ours.file.name}").status_code == 404
    assert list(DrillMedia.objects.all()) == [ours]
    assert default_storage.exists(ours.file.name)


def test_clinicians_and_patients_cannot_upload(client, world):
    drill = custom_drill(world.home)
    for user in (world.home.clinician, world.home.frontdesk, world.home.patient_a.user):
        client.force_login(user)
        assert upload(client, drill, png_bytes(), "a.png").status_code == 403
    assert not DrillMedia.objects.exists() and stored_files() == []


def test_another_clinics_picture_of_a_library_drill_is_never_shown_to_our_patients(api, world):
    drill = Drill.objects.get(clinic=None, slug="heel_raise_bilateral")
    theirs = add_image(world.other, drill, alt="Their picture")
    program = make_program(world.home, items=1)
    program.items.update(drill=drill)
    api.force_login(world.home.patient_a.user)
    assert api.get("/api/v1/me/program/").json()["items"][0]["media"] == []
    assert "Their picture" not in api.get("/").content.decode()
    assert api.get(f"/media/{theirs.file.name}").status_code == 404


def test_the_service_refuses_another_clinics_own_drill(world):
    with pytest.raises(services.ValidationError):
        add_image(world.other, custom_drill(world.home))


# --- where the media show -------------------------------------------------------------------


@pytest.fixture
def program_with_media(world):
    program = make_program(world.home, items=2)
    first, second = program.items.all()
    image = add_image(world.home, first.drill, alt="Heel raise, side view", caption="Rise slowly")
    video = add_image(world.home, first.drill, alt="Heel raise video", caption="", kind="video")
    return program, first, image, video


def test_the_patients_card_shows_the_picture_and_the_video(client, world, program_with_media):
    _, _, image, video = program_with_media
    client.force_login(world.home.patient_a.user)
    html = client.get("/").content.decode()
    assert (
        f'<figure class="drill-media"><img src="/media/{image.file.name}" alt="Heel raise, side '
        f'view" loading="lazy"'
    ) in html
    assert "<figcaption>Rise slowly</figcaption>" in html
    assert f'<video controls preload="none" src="/media/{video.file.name}"' in html
    # The file itself, for the patient of the clinic, as what it was checked to be.
    response = client.get(f"/media/{image.file.name}")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")  # re-encoded as JPEG


def test_the_printout_shows_pictures_but_no_video(client, world, program_with_media):
    _, _, image, video = program_with_media
    client.force_login(world.home.patient_a.user)
    html = client.get("/me/program/print/").content.decode()
    assert f'<img src="/media/{image.file.name}" alt="Heel raise, side view"' in html
    assert "<figcaption>Rise slowly</figcaption>" in html
    assert video.file.name not in html and "<video" not in html


def test_the_pdf_embeds_the_picture_from_storage(client, world, program_with_media, monkeypatch):
    _, _, image, _ = program_with_media
    opened = []
    real_open = default_storage.open

    def spy(name, mode="rb"):
        opened.append(name)
        return real_open(name, mode)

    monkeypatch.setattr(default_storage, "open", spy)
    client.force_login(world.home.patient_a.user)
    response = client.get("/me/program.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert opened == [image.file.name]


def test_the_pdf_fetcher_reads_only_this_clinics_media(world, program_with_media):
    _, _, image, _ = program_with_media
    url = f"{printout.PDF_BASE_URL}media/{image.file.name}"
    assert printout._media_name(url, world.home.clinic.pk) == image.file.name
    assert printout._media_name(url, world.other.clinic.pk) is None
    assert printout._media_name(f"https://example.com/media/{image.file.name}", 1) is None


def test_me_program_lists_each_items_media(api, world, program_with_media):
    _, first, image, video = program_with_media
    api.force_login(world.home.patient_a.user)
    items = {item["id"]: item for item in api.get("/api/v1/me/program/").json()["items"]}
    assert items[first.pk]["media"] == [
        {
            "url": f"/media/{image.file.name}",
            "alt": "Heel raise, side view",
            "kind": "image",
            "caption": "Rise slowly",
        },
        {
            "url": f"/media/{video.file.name}",
            "alt": "Heel raise video",
            "kind": "video",
            "caption": "",
        },
    ]
    assert [item["media"] for pk, item in items.items() if pk != first.pk] == [[]]


def test_the_staff_program_api_lists_media_too(api, world, program_with_media):
    program, first, image, _ = program_with_media
    api.force_login(world.home.clinician)
    items = api.get(f"/api/v1/programs/{program.pk}/").json()["items"]
    media = next(item["media"] for item in items if item["id"] == first.pk)
    assert media[0] == {
        "url": f"/media/{image.file.name}",
        "alt": "Heel raise, side view",
        "kind": "image",
        "caption": "Rise slowly",
    }


def test_storage_urls_are_used_when_the_app_does_not_serve_media(world, settings):
    settings.DRILL_MEDIA_VIA_APP = False
    medium = add_image(world.home, custom_drill(world.home))
    assert medium.url == default_storage.url(medium.file.name)


def _with_media_on_every_item(side, items: int, patient=None):
    program = make_program(side, patient, items=items)
    for item in program.items.all():
        if not DrillMedia.objects.filter(drill=item.drill, clinic=side.clinic).exists():
            add_image(side, item.drill)
    return program


@pytest.mark.parametrize("items", [2, 12])
def test_me_program_reads_media_in_one_query_whatever_the_items(api, world, items):
    _with_media_on_every_item(world.home, items)
    api.force_login(world.home.patient_a.user)
    with CaptureQueriesContext(connection) as queries:
        body = api.get("/api/v1/me/program/").json()
    assert all(item["media"] for item in body["items"])
    assert len(queries) == 5  # as pinned in test_me_api: one query for all the media
    assert sum("programs_drillmedia" in q["sql"] for q in queries) == 1


def test_the_patient_page_query_count_does_not_grow_with_media(client, world):
    counts = []
    for items, patient in ((2, world.home.patient_a), (12, world.home.patient_b)):
        _with_media_on_every_item(world.home, items, patient)
        client.force_login(patient.user)
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/").content.decode()
        assert html.count('<figure class="drill-media">') == items
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- demo -----------------------------------------------------------------------------------


def test_the_demo_draws_its_own_diagrams_once(world):
    added = seed_drill_media(clinic=world.home.clinic, admin=world.home.admin)
    assert added >= 6
    heel = Drill.objects.get(clinic=None, slug="heel_raise_bilateral")
    medium = DrillMedia.objects.get(clinic=world.home.clinic, drill=heel)
    assert medium.kind == MediaKind.IMAGE and "heels down" in medium.alt
    with default_storage.open(medium.file.name, "rb") as handle, Image.open(handle) as picture:
        assert picture.size[0] <= settings.DRILL_MEDIA_MAX_EDGE
    assert seed_drill_media(clinic=world.home.clinic, admin=world.home.admin) == 0
    assert not DrillMedia.objects.filter(clinic=world.other.clinic).exists()


def test_the_demo_patient_sees_diagrams_on_their_drills(api):
    call_command("seed_demo", verbosity=0)
    api.force_login(User.objects.get(email="patient@demo.clinic"))
    items = api.get("/api/v1/me/program/").json()["items"]
    with_media = [item for item in items if item["media"]]
    assert with_media, [item["drill"] for item in items]
    medium = with_media[0]["media"][0]
    assert medium["kind"] == "image" and medium["alt"]
    assert api.get(medium["url"]).status_code == 200


def test_an_odd_media_name_is_a_plain_404(client, world):
    client.force_login(world.home.patient_a.user)
    for name in ("drills/../../settings.py", "drills/1/%00.png", "nothing-here.jpg"):
        assert client.get(f"/media/{name}").status_code == 404
