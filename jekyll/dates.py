"""Dates in Jekyll files: the post's date as Jekyll finds it, the writer's "last revised" date, and the forms
they are written in."""

import datetime
import re
import zoneinfo

from django.conf import settings

from jekyll.front_matter import JekyllError, YamlTimestamp
from jekyll.site import Site

_DATE = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:(?:[Tt]|\s+)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.(?P<f>\d+))?)?)?"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?"
)


def parse_date(value: str, zone: datetime.tzinfo | None = None) -> datetime.datetime:
    """An aware datetime from a Jekyll date string; naive times are in ``zone`` (else ``settings.TIME_ZONE``).

    Raises ``ValueError`` with "impossible" in the message for a well-formed but impossible date, and
    with "not understood" for anything else.
    """
    match = _DATE.fullmatch(value.strip())
    if not match:
        raise ValueError(f"date {value!r} not understood")
    parts = match.groupdict()
    fraction = (parts["f"] or "0")[:6].ljust(6, "0")
    try:
        moment = datetime.datetime(
            int(parts["y"]),
            int(parts["m"]),
            int(parts["d"]),
            int(parts["H"] or 0),
            int(parts["M"] or 0),
            int(parts["S"] or 0),
            int(fraction),
            tzinfo=_zone(parts["tz"], zone),
        )
        return moment.astimezone(datetime.UTC)
    except (ValueError, OverflowError) as error:
        raise ValueError(f"impossible date {value!r}: {error}") from None


def published_at(value, name_date: str, in_drafts: bool, fallback_date, site: Site, warnings) -> datetime.datetime:
    """Jekyll's order: the front matter's (or a default's) date, else the file name's, else (drafts) the file's
    modification time. A date without a zone is in the site's time zone, except an unquoted YAML date-time,
    which Jekyll's YAML reader takes as UTC."""
    parsed_name = name_error = None
    if name_date:
        try:
            parsed_name = parse_date(name_date, site.zone)
        except ValueError as error:
            name_error = f"file name has an {error}"
    if value not in (None, ""):
        try:
            return date_from_value(value, site.zone)
        except ValueError as error:
            if "impossible" in str(error):
                raise JekyllError(f"front matter has an {error}") from None
            if parsed_name is None:
                raise JekyllError(f"front matter {error}, and the file name gives no date") from None
            warnings.append(f"front matter {error}; used the file-name date instead")
            return parsed_name
    if parsed_name is not None:
        return parsed_name
    if name_error:
        raise JekyllError(name_error)
    if in_drafts and fallback_date is not None:
        warnings.append("undated draft: dated by the file's modification time, as Jekyll does")
        return fallback_date
    raise JekyllError("no date: neither a 'date:' in the front matter nor a YYYY-MM-DD- file name")


# jekyll-seo-tag and themes read the first of these as the post's "last modified" date.
REVISION_KEYS = ("last_modified_at", "modified", "modified_date", "updated")


def revised_at(meta: dict, zone, warnings: list[str]) -> datetime.datetime | None:
    """When the writer says the post was last revised, if they say so (an unreadable date is only a warning)."""
    for key in REVISION_KEYS:
        value = meta.get(key)
        if value in (None, ""):
            continue
        try:
            return date_from_value(value, zone)
        except ValueError as error:
            warnings.append(f"'{key}' ignored: {error}")
            return None
    return None


def date_from_value(value, zone) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        # From a configuration's defaults (PyYAML): Ruby's YAML reads a zone-less one as UTC too.
        return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)
    if isinstance(value, datetime.date):
        value = value.isoformat()
    if not isinstance(value, str):
        raise ValueError(f"date {value!r} not understood")
    if isinstance(value, YamlTimestamp) and ":" in value:
        zone = datetime.UTC
    return parse_date(value, zone)


def _zone(tz: str | None, zone: datetime.tzinfo | None = None) -> datetime.tzinfo:
    if tz is None:
        return zone or zoneinfo.ZoneInfo(settings.TIME_ZONE)
    if tz in {"Z", "UTC", "GMT"}:
        return datetime.UTC
    digits = tz[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    offset = datetime.timedelta(hours=hours, minutes=minutes)
    return datetime.timezone(-offset if tz[0] == "-" else offset)
