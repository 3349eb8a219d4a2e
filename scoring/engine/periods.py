"""Calendar periods of the summaries and their same period of the previous year."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

PERIODS = ("week", "month", "year")
# Any span of days (a challenge's period); not a value of the API's `period`.
RANGE = "range"


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # inclusive

    @property
    def days(self) -> list[date]:
        return [
            self.start + timedelta(days=n)
            for n in range((self.end - self.start).days + 1)
        ]

    def previous_year(self) -> "Period":
        """The same period one year earlier, aligned as its kind needs."""
        if self.kind in ("week", RANGE):
            # 52 weeks back keeps Monday on Monday: weekday habits compare fairly.
            shift = timedelta(weeks=52)
            return Period(self.kind, self.start - shift, self.end - shift)
        if self.kind == "month":
            return month_of(self.start.year - 1, self.start.month)
        return Period(
            "year", date(self.start.year - 1, 1, 1), date(self.start.year - 1, 12, 31)
        )

    def previous_year_until(self, day: date) -> "Period":
        """The previous year's period cut at the day matching `day`.

        A period in progress (the 6th of a 31-day month) compares with the
        same days of last year (its 1st to 6th), not with last year's whole
        period: a month's first days are not its mean.
        """
        before = self.previous_year()
        if self.kind in ("week", RANGE):
            matching = day - timedelta(weeks=52)
        else:
            # The same calendar day; 29 February becomes the 28th.
            last = calendar.monthrange(day.year - 1, day.month)[1]
            matching = date(day.year - 1, day.month, min(day.day, last))
        return Period(before.kind, before.start, min(before.end, matching))


def month_of(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period("month", date(year, month, 1), date(year, month, last))


def period_containing(kind: str, day: date) -> Period:
    """The ISO week (Monday to Sunday), calendar month or calendar year of a day."""
    if kind == "week":
        start = day - timedelta(days=day.weekday())
        return Period("week", start, start + timedelta(days=6))
    if kind == "month":
        return month_of(day.year, day.month)
    if kind == "year":
        return Period("year", date(day.year, 1, 1), date(day.year, 12, 31))
    raise ValueError(kind)
