"""Insights: what was written and kept, month by month. Counts only: nothing about any one member."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from blog.models import Post

MONTHS = 12
TOP_SAVED = 20
# The chart's drawing area, in SVG units (it scales to the column's width).
WIDTH, HEIGHT, GAP = 720, 160, 4


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


def _months(end: datetime.date, count: int) -> list[datetime.date]:
    months, year, month = [], end.year, end.month
    for _ in range(count):
        months.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def per_month(queryset, field: str, *, months: int = MONTHS, now=None) -> list[tuple[datetime.date, int]]:
    """How many rows of ``queryset`` fall in each of the last ``months`` months (by ``field``), oldest first."""
    now = timezone.localtime(now or timezone.now())
    first = _months(now.date(), months)[0]
    start = datetime.datetime(first.year, first.month, 1, tzinfo=timezone.get_current_timezone())
    counted = (
        queryset.filter(**{f"{field}__gte": start})
        .annotate(month=TruncMonth(field))
        .order_by()
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    by_month = {}
    for month, n in counted:
        key = (month.date() if isinstance(month, datetime.datetime) else month).replace(day=1)
        by_month[key] = by_month.get(key, 0) + n
    return [(month, by_month.get(month, 0)) for month in _months(now.date(), months)]


def bars(rows: list[tuple[datetime.date, int]]) -> list[Bar]:
    """Bar geometry for ``rows`` in the chart's drawing area (tallest bar full height)."""
    top = max((value for _label, value in rows), default=0) or 1
    step = WIDTH / max(len(rows), 1)
    drawn = []
    for index, (month, value) in enumerate(rows):
        height = round(HEIGHT * value / top, 1)
        drawn.append(
            Bar(
                month.strftime("%b %Y"),
                value,
                round(index * step + GAP / 2, 1),
                round(HEIGHT - height, 1),
                round(step - GAP, 1),
                height,
            )
        )
    return drawn


@require_safe
def insights(request):
    if not request.user.has_perm("blog.view_post"):
        raise PermissionDenied
    from django.contrib import admin

    published = per_month(Post.objects.published(), "published_at")
    joined = per_month(get_user_model().objects.filter(is_staff=False), "date_joined")
    saved = (
        Post.objects.published()
        .annotate(saves=Count("favourites"))
        .filter(saves__gt=0)
        .order_by("-saves", "-published_at")
        .only("pk", "title", "slug")[:TOP_SAVED]
    )
    context = {
        **admin.site.each_context(request),
        "title": "Insights",
        "published": bars(published),
        "joined": bars(joined),
        "saved": saved,
        "drafts": Post.objects.drafts().with_was_published().order_by("-updated_at").only("pk", "title", "updated_at"),
        "scheduled": Post.objects.scheduled().order_by("published_at").only("pk", "title", "published_at", "status"),
        "chart": {"width": WIDTH, "height": HEIGHT},
    }
    return TemplateResponse(request, "admin/desk/insights.html", context)
