"""Calendar quarters, the period of the toolkit's indicators (T/Box 6: 'over a three month period')."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, order=True)
class Quarter:
    start: date

    @property
    def end(self) -> date:
        return self.next().start - timedelta(days=1)

    @property
    def number(self) -> int:
        return (self.start.month - 1) // 3 + 1

    @property
    def label(self) -> str:
        return f"{self.start.year}-Q{self.number}"

    def next(self) -> Quarter:
        month = self.start.month + 3
        return Quarter(date(self.start.year + (month > 12), (month - 1) % 12 + 1, 1))

    def previous(self) -> Quarter:
        return quarter_of(self.start - timedelta(days=1))

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def quarter_of(day: date) -> Quarter:
    return Quarter(date(day.year, 3 * ((day.month - 1) // 3) + 1, 1))


def parse_quarter(label: str) -> Quarter:
    """'2026-Q3' → the quarter starting 1 July 2026."""
    year, number = label.split("-Q")
    return Quarter(date(int(year), 3 * (int(number) - 1) + 1, 1))
