"""REST API of the signed-in patient's running data: runs uploaded from the watch and home
self-tests. A patient reads and writes only their own."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from clinic.access import patient_of
from clinic.api import IsPatient

from . import run_selectors, run_services
from .models import SelfTestKind

RUNS_LISTED = 200  # the newest runs GET returns


class RunOut(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField(help_text="The day of the run in the clinic's time zone.")
    start_time = serializers.DateTimeField()
    distance_m = serializers.IntegerField()
    duration_s = serializers.IntegerField()
    pace_s_per_km = serializers.FloatField(allow_null=True)
    cadence_spm = serializers.IntegerField(
        allow_null=True, help_text="Steps per minute (both feet); null when the file has none."
    )
    elevation_gain_m = serializers.FloatField(allow_null=True)
    source_format = serializers.CharField()


class UploadedRunOut(RunOut):
    duplicate = serializers.BooleanField(
        help_text="The same file was uploaded before: this is the run already stored."
    )

    def to_representation(self, uploaded):
        return {**RunOut(uploaded.run).data, "duplicate": uploaded.duplicate}


class RunsIn(serializers.Serializer):
    file = serializers.ListField(
        child=serializers.FileField(), help_text="One or more FIT, TCX or GPX files."
    )


class MyRunsView(APIView):
    """The patient's runs from the watch. POST multipart with one or more `file` fields; the
    whole request is stored or none of it (a 400 names the file that could not be used), and
    a file sent before returns the run already stored. The GPS track is never kept."""

    permission_classes = [IsPatient]
    parser_classes = [MultiPartParser]

    @extend_schema(responses=RunOut(many=True))
    def get(self, request):
        runs = run_selectors.runs_visible_to(request.user).order_by("-date", "-start_time", "-id")
        return Response(RunOut(runs[:RUNS_LISTED], many=True).data)

    @extend_schema(request=RunsIn, responses={201: UploadedRunOut(many=True)})
    def post(self, request):
        files = request.FILES.getlist("file")
        try:
            uploaded = run_services.runs_upload(patient=patient_of(request.user), files=files)
        except run_services.RunUploadError as exc:
            raise exceptions.ValidationError(
                {"file": [str(exc)], "filename": exc.filename}
            ) from exc
        return Response([UploadedRunOut(u).data for u in uploaded], status=status.HTTP_201_CREATED)


class SelfTestIn(serializers.Serializer):
    date = serializers.DateField()
    test = serializers.ChoiceField(choices=SelfTestKind.choices)
    left = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=0)
    right = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=0)


class SelfTestOut(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    test = serializers.CharField()
    left = serializers.FloatField()
    right = serializers.FloatField()


class MySelfTestsView(APIView):
    """Home self-tests, both sides: knee-to-wall 0-20 cm, balance 0-120 s (eyes open or
    closed), heel raises 0-100 reps. Kept apart from the clinic's measurements."""

    permission_classes = [IsPatient]

    @extend_schema(responses=SelfTestOut(many=True))
    def get(self, request):
        tests = run_selectors.self_tests_visible_to(request.user).order_by("-date", "-id")
        return Response(SelfTestOut(tests[:RUNS_LISTED], many=True).data)

    @extend_schema(request=SelfTestIn, responses={201: SelfTestOut})
    def post(self, request):
        data = SelfTestIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            self_test = run_services.self_test_record(
                patient=patient_of(request.user),
                day=values["date"],
                test=values["test"],
                left=values["left"],
                right=values["right"],
            )
        except ValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from exc
        return Response(SelfTestOut(self_test).data, status=status.HTTP_201_CREATED)
