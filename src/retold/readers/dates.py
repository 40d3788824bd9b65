"""Publication dates to ISO 8601, so that the earliest copy can be told by string order."""

from __future__ import annotations

import datetime as dt
import re
from email.utils import parsedate_to_datetime
from typing import Any

_FORMATS = (
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%d.%m.%Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%d %B %Y %H:%M",
)
_EPOCH = re.compile(r"^\d{9,13}(?:\.\d+)?$")


def _iso(value: dt.datetime | dt.date) -> str:
    if isinstance(value, dt.datetime):
        if value.hour == value.minute == value.second == value.microsecond == 0 and (
            value.tzinfo is None
        ):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def normalize_published(value: Any) -> str | None:
    """ISO 8601 for the dates news collections carry; other strings are kept as they are.

    Dates without a time become ``YYYY-MM-DD``; times keep their offset when they have one.
    Numbers of 9 to 13 digits are read as Unix time (seconds, or milliseconds when longer).

    Example:
        >>> normalize_published("March 14, 2025"), normalize_published("2025-03-14T08:30:00Z")
        ('2025-03-14', '2025-03-14T08:30:00+00:00')
        >>> normalize_published("Tue, 14 Mar 2025 08:30:00 +0100")
        '2025-03-14T08:30:00+01:00'
        >>> normalize_published("spring 2025")
        'spring 2025'
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime | dt.date):
        return _iso(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if value != value:  # NaN
            return None
        value = str(value)
    text = " ".join(str(value).split())
    if not text:
        return None
    if _EPOCH.match(text):
        seconds = float(text)
        if seconds > 1e11:
            seconds /= 1000
        return _iso(dt.datetime.fromtimestamp(seconds, tz=dt.UTC))
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        return _iso(dt.datetime.fromisoformat(iso))
    except ValueError:
        pass
    try:
        return _iso(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        pass
    for fmt in _FORMATS:
        try:
            return _iso(dt.datetime.strptime(text, fmt))
        except ValueError:
            continue
    return text
