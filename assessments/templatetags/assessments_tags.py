"""Template tags that let other apps' pages show assessments content (the patient page)."""

from django import template

from clinic.access import CLINICAL_ROLES, role_of

from .. import selectors

register = template.Library()


@register.inclusion_tag("assessments/_patient_screens.html", takes_context=True)
def patient_screens(context, patient):
    """The patient's screens, newest first, for clinicians and admins only (one query)."""
    user = context["request"].user
    if role_of(user) not in CLINICAL_ROLES:
        return {"hidden": True}
    screens = list(reversed(selectors.patient_screens(user=user, patient=patient)))
    return {"patient": patient, "screens": screens}
