"""Dates and periods in words for templates (challenges.periods)."""

from datetime import date

from django import template

from challenges import periods

register = template.Library()


@register.filter
def day_month(value: date | None) -> str:
    """« 1er décembre », « 30 novembre »; "December 1" in English."""
    return periods.day_month(value) if value else ""


@register.filter
def week_of(value: date | None) -> str:
    """« semaine du 30 novembre »: the ISO week starting on (or holding) a day."""
    return periods.week_label(value) if value else ""
