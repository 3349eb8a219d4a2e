from datetime import datetime

from django import template

from ambassadors.activity import Activity, activity_of
from ambassadors.models import Onboarding

register = template.Library()


@register.simple_tag
def activity(onboarding: Onboarding, now: datetime) -> Activity:
    """A followed household's activity level, for the follow-up pages."""
    return activity_of(onboarding, now)
