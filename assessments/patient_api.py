"""REST API of the signed-in patient's questionnaires: the pending ones with their items, and
the answers to one. Another patient's questionnaire is a 404; answering twice is a 409 that
repeats the score given the first time (answers are kept as first given)."""

from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from clinic.api import IsPatient

from . import instruments, questionnaires


class OptionOut(serializers.Serializer):
    value = serializers.JSONField(help_text="What to send for this answer (number or code).")
    label = serializers.CharField()


class ItemOut(serializers.Serializer):
    key = serializers.CharField()
    prompt = serializers.CharField()
    options = OptionOut(many=True)
    allows_na = serializers.BooleanField(help_text='True when "na" (not applicable) is allowed.')


class QuestionnaireOut(serializers.Serializer):
    id = serializers.IntegerField()
    instrument = serializers.ChoiceField(choices=instruments.CODES)
    name = serializers.CharField()
    instructions = serializers.CharField()
    due_on = serializers.DateField()
    source = serializers.CharField()
    items = ItemOut(many=True)


class AnswersIn(serializers.Serializer):
    answers = serializers.DictField(help_text='{"<item key>": value}; FAAM items accept "na".')


class ScoreOut(serializers.Serializer):
    id = serializers.IntegerField()
    instrument = serializers.CharField()
    score = serializers.DecimalField(
        max_digits=4, decimal_places=1, allow_null=True, coerce_to_string=False
    )
    unit = serializers.CharField()
    max_score = serializers.IntegerField()
    answered = serializers.IntegerField()
    scored = serializers.BooleanField()
    not_scored_reason = serializers.CharField()
    completed_at = serializers.DateTimeField()


def questionnaire_out(assignment) -> dict:
    instrument = instruments.get(assignment.instrument)
    return {
        "id": assignment.pk,
        "instrument": assignment.instrument,
        "name": instrument.name,
        "instructions": instrument.instructions,
        "due_on": assignment.due_on,
        "source": assignment.source,
        "items": instruments.items_out(assignment.instrument),
    }


def score_out(response) -> dict:
    instrument = instruments.get(response.instrument)
    return ScoreOut(
        {
            "id": response.assignment_id,
            "instrument": response.instrument,
            "score": response.score,
            "unit": instrument.unit,
            "max_score": instrument.max_score,
            "answered": response.answered,
            "scored": response.score is not None,
            # In the patient's language; the stored English stays for staff (issue 22).
            "not_scored_reason": questionnaires.not_scored_words(response),
            "completed_at": response.completed_at,
        }
    ).data


class MyQuestionnairesView(APIView):
    """The questionnaires waiting for the signed-in patient, each with its items."""

    permission_classes = [IsPatient]

    @extend_schema(responses=QuestionnaireOut(many=True))
    def get(self, request):
        pending = questionnaires.pending_for(request.user)
        return Response(QuestionnaireOut([questionnaire_out(a) for a in pending], many=True).data)


class MyQuestionnaireView(APIView):
    """One of the patient's own questionnaires: read it, or send its answers."""

    permission_classes = [IsPatient]

    def _assignment(self, request, pk):
        assignment = questionnaires.assignment_for(request.user, pk)
        if assignment is None:
            raise exceptions.NotFound(gettext("No such questionnaire."))
        return assignment

    @extend_schema(responses=QuestionnaireOut)
    def get(self, request, pk):
        return Response(QuestionnaireOut(questionnaire_out(self._assignment(request, pk))).data)

    @extend_schema(request=AnswersIn, responses={200: ScoreOut, 409: ScoreOut})
    def post(self, request, pk):
        assignment = self._assignment(request, pk)
        data = AnswersIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            response = questionnaires.questionnaire_submit(
                assignment=assignment, answers=data.validated_data["answers"]
            )
        except instruments.AnswerError as error:
            return Response(
                {
                    "answers": {
                        key: [message]
                        for key, message in questionnaires.answer_errors(error).items()
                    }
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        except questionnaires.AlreadyAnswered as already:
            return Response(
                {"detail": str(already), **score_out(already.response)},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(score_out(response))
