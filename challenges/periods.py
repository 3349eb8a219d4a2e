"""Periods in words: « décembre 2026 », « semaine du 30 novembre », « du 1er au 6 ».

Django's localised formats give the month names and the order of day and
month (« 30 novembre », "November 30"); French alone writes the first of a
month as an ordinal, « 1er ».
"""

import calendar
from datetime import date

from django.utils import dateformat
from django.utils.formats import date_format, get_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# Django's format characters escaped: « 1er » written out in a format string.
FRENCH_FIRST = r"\1\e\r"
LAST_WEEKDAY = 6  # Sunday, the end of an ISO week


def _french() -> bool:
    return (get_language() or "").startswith("fr")


def _with_first(day: date, fmt: str) -> str:
    if day.day == 1 and _french():
        fmt = fmt.replace("j", FRENCH_FIRST, 1)
    return dateformat.format(day, fmt)


def day_month(day: date) -> str:
    """« 1er décembre », « 30 novembre »; "December 1" in English."""
    return _with_first(day, get_format("MONTH_DAY_FORMAT"))


def full_date(day: date) -> str:
    """« 1er décembre 2026 », « 6 décembre 2026 »; "Dec. 6, 2026" in English."""
    return _with_first(day, get_format("DATE_FORMAT"))


def _day_alone(day: date) -> str:
    return "1er" if day.day == 1 and _french() else str(day.day)


def span_label(start: date, end: date) -> str:
    """Any span: « du 1er au 6 décembre 2026 », « du 30 novembre au 6 décembre »."""
    if start == end:
        return _("le %(day)s") % {"day": full_date(end)}
    if (start.year, start.month) == (end.year, end.month):
        first = _day_alone(start)
    elif start.year == end.year:
        first = day_month(start)
    else:
        first = full_date(start)
    return _("du %(first)s au %(last)s") % {"first": first, "last": full_date(end)}


def week_label(day: date) -> str:
    """« semaine du 30 novembre »: the week by its first day."""
    return _("semaine du %(day)s") % {"day": day_month(day)}


def period_label(start: date, end: date) -> str:
    """A calendar period as said: a month, an ISO week, a year, else its span."""
    last_of_month = calendar.monthrange(end.year, end.month)[1]
    if start.day == 1 and end.day == last_of_month:
        if (start.year, start.month) == (end.year, end.month):
            return date_format(start, "YEAR_MONTH_FORMAT")
        if (start.month, end.month) == (1, 12) and start.year == end.year:
            return _("année %(year)s") % {"year": start.year}
    if start.weekday() == 0 and (end - start).days == LAST_WEEKDAY:
        return week_label(start)
    return span_label(start, end)
