"""Demo drill pictures (issue 19): simple line diagrams Groundwork draws itself with Pillow when
the demo loads (never images taken from elsewhere): a heel raise, the knee-to-wall lunge and a
single-leg balance, added to the demo clinic's seed drills through the same upload service as
a clinic admin's pictures."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from clinic.models import Clinic

from . import services
from .models import Drill, DrillMedia, MediaKind

WIDTH, HEIGHT = 960, 540
PANEL = WIDTH // 2
FLOOR = 470
INK = (31, 41, 55, 255)
ACCENT = (13, 110, 253, 255)
PAPER = (255, 255, 255, 255)
LINE = 9


@dataclass(frozen=True)
class Pose:
    """A side-view (or front-view) stick figure: points in a panel's own coordinates."""

    head: tuple[int, int]
    neck: tuple[int, int]
    hip: tuple[int, int]
    hands: tuple[tuple[int, int], ...]
    legs: tuple[tuple[tuple[int, int], ...], ...]  # each leg: hip to toe


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType: the small bitmap font
        return ImageFont.load_default()


def _draw_pose(draw: ImageDraw.ImageDraw, pose: Pose, dx: int) -> None:
    def at(point):
        return (point[0] + dx, point[1])

    radius = 28
    hx, hy = at(pose.head)
    draw.ellipse((hx - radius, hy - radius, hx + radius, hy + radius), outline=INK, width=LINE)
    draw.line([at(pose.neck), at(pose.hip)], fill=INK, width=LINE, joint="curve")
    shoulder = (pose.neck[0], pose.neck[1] + 20)
    for hand in pose.hands:
        draw.line([at(shoulder), at(hand)], fill=INK, width=LINE, joint="curve")
    for leg in pose.legs:
        draw.line([at(p) for p in leg], fill=INK, width=LINE, joint="curve")


def _arrow(draw: ImageDraw.ImageDraw, start, end) -> None:
    draw.line([start, end], fill=ACCENT, width=6)
    (x0, y0), (x1, y1) = start, end
    if x0 == x1:  # vertical
        sign = -1 if y1 < y0 else 1
        head = [(x1, y1), (x1 - 14, y1 - sign * 20), (x1 + 14, y1 - sign * 20)]
    else:
        sign = -1 if x1 < x0 else 1
        head = [(x1, y1), (x1 - sign * 20, y1 - 14), (x1 - sign * 20, y1 + 14)]
    draw.polygon(head, fill=ACCENT)


def _canvas(labels: tuple[str, str]) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGBA", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    font = _font(30)
    for n, label in enumerate(labels):
        draw.text((n * PANEL + 24, 20), label, fill=INK, font=font)
    draw.line([(PANEL, 20), (PANEL, HEIGHT - 20)], fill=(200, 200, 200, 255), width=3)
    for n in range(2):
        draw.line([(n * PANEL + 30, FLOOR), (n * PANEL + PANEL - 30, FLOOR)], fill=INK, width=5)
    return image, draw


def heel_raise() -> Image.Image:
    """Side view: standing with the heels down, then up on the balls of the feet."""
    image, draw = _canvas(("1. Heels down", "2. Rise onto your toes"))
    x = 200
    flat = Pose(
        head=(x, FLOOR - 345),
        neck=(x, FLOOR - 312),
        hip=(x, FLOOR - 190),
        hands=((x + 85, FLOOR - 215),),  # a fingertip on a wall or chair for balance
        legs=(((x, FLOOR - 190), (x + 4, FLOOR - 100), (x, FLOOR - 14), (x + 55, FLOOR - 4)),),
    )
    up = 34
    raised = Pose(
        head=(x, FLOOR - 345 - up),
        neck=(x, FLOOR - 312 - up),
        hip=(x, FLOOR - 190 - up),
        hands=((x + 85, FLOOR - 215),),
        legs=(
            (
                (x, FLOOR - 190 - up),
                (x + 4, FLOOR - 100 - up),
                (x + 14, FLOOR - 50),
                (x + 55, FLOOR - 4),
            ),
        ),
    )
    _draw_pose(draw, flat, 0)
    _draw_pose(draw, raised, PANEL)
    for n in range(2):  # the chair back the hand rests on
        cx = n * PANEL + x + 95
        draw.line([(cx, FLOOR - 230), (cx, FLOOR)], fill=(120, 120, 120, 255), width=7)
    _arrow(draw, (PANEL + x - 90, FLOOR - 40), (PANEL + x - 90, FLOOR - 130))
    return image


def knee_to_wall() -> Image.Image:
    """Side view of the half lunge facing a wall: the knee moves forward to touch it while the
    front heel stays down."""
    image, draw = _canvas(("1. Front foot near the wall", "2. Knee to the wall, heel down"))
    wall = PANEL - 70
    for n in range(2):
        draw.rectangle(
            (n * PANEL + wall, 70, n * PANEL + wall + 18, FLOOR), fill=(210, 210, 210, 255)
        )
    toe = wall - 60
    heel = toe - 60
    back = heel - 170

    def lunge(knee_x: int, lean: int) -> Pose:
        hip = (heel - 60 + lean, FLOOR - 200)
        return Pose(
            head=(hip[0] + 30 + lean, FLOOR - 380),
            neck=(hip[0] + 25 + lean, FLOOR - 345),
            hip=hip,
            hands=((wall - 10, FLOOR - 260),),
            legs=(
                (hip, (knee_x, FLOOR - 110), (heel + 8, FLOOR - 14), (toe, FLOOR - 4)),
                (hip, (back + 40, FLOOR - 90), (back, FLOOR - 20), (back - 40, FLOOR - 4)),
            ),
        )

    _draw_pose(draw, lunge(toe - 20, 0), 0)
    _draw_pose(draw, lunge(wall - 4, 25), PANEL)
    _arrow(draw, (PANEL + toe - 70, FLOOR - 150), (PANEL + wall - 30, FLOOR - 150))
    draw.ellipse(  # the heel that stays down
        (PANEL + heel - 6, FLOOR - 26, PANEL + heel + 30, FLOOR + 10), outline=ACCENT, width=5
    )
    return image


def single_leg_balance() -> Image.Image:
    """Front view: standing on one leg, arms relaxed, then the same on the other side."""
    image, draw = _canvas(("1. Stand on one leg", "2. Hold, then change legs"))
    x = 240

    def stand(lifted: int) -> Pose:
        hip = (x, FLOOR - 200)
        standing_hip = (x - 20 * lifted, FLOOR - 200)
        lifted_hip = (x + 20 * lifted, FLOOR - 200)
        return Pose(
            head=(x, FLOOR - 375),
            neck=(x, FLOOR - 340),
            hip=hip,
            hands=((x - 95, FLOOR - 250), (x + 95, FLOOR - 250)),
            legs=(
                (standing_hip, (x - 20 * lifted, FLOOR - 100), (x - 20 * lifted, FLOOR - 4)),
                (lifted_hip, (x + 24 * lifted, FLOOR - 150), (x + 26 * lifted, FLOOR - 75)),
                (standing_hip, lifted_hip),  # the pelvis
            ),
        )

    _draw_pose(draw, stand(1), 0)
    _draw_pose(draw, stand(-1), PANEL)
    font = _font(26)
    draw.text((x - 90, FLOOR + 18), "hold 30 s", fill=ACCENT, font=font)
    draw.text((PANEL + x - 90, FLOOR + 18), "hold 30 s", fill=ACCENT, font=font)
    return image


@dataclass(frozen=True)
class Diagram:
    draw: object  # () -> Image
    alt: str
    caption: str
    drills: tuple[str, ...]


DIAGRAMS = (
    Diagram(
        heel_raise,
        "Line drawing of a person standing side-on with a hand on a chair, first with heels "
        "down, then risen up onto the balls of the feet.",
        "Rise straight up over the big toe, then lower slowly.",
        ("heel_raise_bilateral", "heel_raise_single", "runner_calf_raise"),
    ),
    Diagram(
        knee_to_wall,
        "Line drawing of a half lunge facing a wall: the front knee moves forward until it "
        "touches the wall while the front heel stays on the floor.",
        "Keep the front heel down; move the foot back a little when the knee reaches easily.",
        ("cc_df", "kneeling_df", "banded_df_mob"),
    ),
    Diagram(
        single_leg_balance,
        "Line drawing of a person seen from the front standing on one leg with the other knee "
        "lifted and arms slightly out, then the same on the other leg.",
        "Stand tall near something to hold; hold the time, then change legs.",
        ("sl_balance_firm_eo", "sl_balance_ec", "sl_balance_unstable"),
    ),
)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def seed_drill_media(*, clinic: Clinic, admin) -> int:
    """Give the clinic's seed drills their diagrams; drills that already show a picture of the
    clinic are left alone (safe to run again). Returns how many pictures were added."""
    added = 0
    for diagram in DIAGRAMS:
        drills = Drill.objects.filter(clinic=None, slug__in=diagram.drills)
        have = set(
            DrillMedia.objects.filter(
                clinic=clinic, drill__in=drills, kind=MediaKind.IMAGE
            ).values_list("drill_id", flat=True)
        )
        missing = [drill for drill in drills if drill.pk not in have]
        if not missing:
            continue
        data = _png(diagram.draw())
        for drill in missing:
            services.drill_media_add(
                user=admin,
                clinic=clinic,
                drill=drill,
                kind=MediaKind.IMAGE,
                upload=SimpleUploadedFile(f"{drill.slug}.png", data, content_type="image/png"),
                alt=diagram.alt,
                caption=diagram.caption,
            )
            added += 1
    return added
