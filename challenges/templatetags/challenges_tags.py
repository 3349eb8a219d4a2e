"""Template filters of the challenges pages."""

from django import template
from django.utils.formats import number_format

register = template.Library()

MINUS = "\u2212"  # a real minus sign, read as "moins" by screen readers
NBSP = "\u00a0"


@register.filter
def signed_percent(value: float | int | None) -> str:
    """`-12.4` → « −12,4 % » in French (« −12.4 % » in English); "" for None."""
    if value is None or value == "":
        return ""
    number = float(value)
    sign = MINUS if number < 0 else ("+" if number > 0 else "")
    return f"{sign}{number_format(abs(number), 1)}{NBSP}%"
