"""`MyItemOut` writes its fields out at once for speed; it must say exactly what DRF's
field-by-field walk over the same declared fields would say, for every drill and variant."""

import pytest
from rest_framework import serializers

from programs.models import Drill, ProgramItem
from programs.patient_api import MyItemOut

from .test_me_api import make_program

pytestmark = pytest.mark.django_db


def test_the_written_out_item_matches_the_declared_fields(world):
    program = make_program(world.home, items=len(Drill.objects.filter(clinic__isnull=True)))
    items = list(ProgramItem.objects.filter(program=program).select_related("drill"))
    # Variants, a hold without reps, a clinician's own reason: the less usual values too.
    for n, item in enumerate(items):
        if item.drill.variants:
            item.variant = " ".join(item.drill.variants[0]["match"])
        if n % 4 == 1:
            item.reps, item.hold_s = None, 30
        if n % 5 == 2:
            item.patient_reason = "Your clinician added this for your left calf."
    assert len(items) > 10
    for item in items:
        fast = MyItemOut(item).data
        walked = serializers.Serializer.to_representation(MyItemOut(), item)
        assert fast == walked, item.drill.slug
        assert list(fast) == list(MyItemOut().fields)
