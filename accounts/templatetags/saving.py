"""The Save button and the rows of /saved/, built in Python.

Both are drawn on every member request, once per post in a list (20 rows on /saved/), and a member's
page is never served from the page cache. As template includes they cost most of such a page's time
(each one a new template context, four URL reversals and a CSRF tag); here each is one string build.
The markup is the same as it was, and the tests read it as HTML. Every value from the database or the
request goes through ``html.escape`` (what ``django.utils.html.escape`` does) before it is placed.
"""

import html
from functools import lru_cache
from urllib.parse import quote

from django import template
from django.template.defaultfilters import linebreaksbr
from django.urls import get_script_prefix, reverse
from django.utils.dates import MONTHS
from django.utils.safestring import mark_safe
from django.utils.timezone import get_current_timezone

from accounts.forms import NoteForm

register = template.Library()


class _RequestParts:
    """What every Save form and saved row of one page shares, worked out once per request: the CSRF
    input (every form carries the same masked token, as ``{% csrf_token %}`` would give them), the
    page's own path (for ``next``), the script prefix, the time zone and the month names."""

    __slots__ = ("csrf_input", "path", "prefix", "timezone", "months")

    def __init__(self, context):
        request = context["request"]
        token = html.escape(str(context.get("csrf_token", "")))
        self.csrf_input = f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
        self.path = html.escape(request.get_full_path())
        self.prefix = get_script_prefix()
        self.timezone = get_current_timezone()
        self.months: dict[int, str] = {}

    def url(self, name: str, slug: str) -> str:
        return _escaped_url(self.prefix, name, slug)

    def dates(self, value) -> tuple[str, str]:
        """The |date:"c" and |date:"j F Y" of ``value`` in the current time zone, as a template shows them."""
        value = value.astimezone(self.timezone)
        month = self.months.get(value.month)
        if month is None:
            month = self.months[value.month] = str(MONTHS[value.month])
        return value.isoformat(), f"{value.day} {month} {value.year}"


def _parts(context) -> _RequestParts:
    request = context["request"]
    parts = getattr(request, "_saving_parts", None)
    if parts is None:
        parts = request._saving_parts = _RequestParts(context)
    return parts


@lru_cache(maxsize=32768)
def _escaped_url(script_prefix: str, name: str, slug: str) -> str:
    """A post's URL by route name, reversed and escaped once per process (the script prefix is part of the key)."""
    return html.escape(reverse(name, args=[slug]))


@register.simple_tag(takes_context=True)
def save_button(context, post):
    """Save/Saved for ``post``: a form for members (state from ``saved_ids``), a login link for readers.

    Readers who are not logged in get a plain link, so public pages carry no form and set no cookie.
    Members get a real form (CSRF, ``next`` back here) that static/js/save.js sends with fetch.
    """
    user = context.get("user")
    if user is None or not user.is_authenticated:
        save_url = _escaped_url(get_script_prefix(), "accounts:save", post.slug)
        return mark_safe(
            f'<a class="save-button save-login" href="{save_url}" rel="nofollow">Save'
            f'<span class="visually-hidden"> “{html.escape(post.title)}” (log in first)</span></a>'
        )
    return _save_form(_parts(context), post.pk in context.get("saved_ids", ()), post.slug, post.title)


def _save_form(parts: _RequestParts, saved: bool, slug: str, title: str) -> str:
    save_url, unsave_url = parts.url("accounts:save", slug), parts.url("accounts:unsave", slug)
    title = html.escape(title)
    return mark_safe(
        f'<form class="save-form" method="post" action="{unsave_url if saved else save_url}" '
        f'data-save-url="{save_url}" data-unsave-url="{unsave_url}" data-title="{title}">'
        f'{parts.csrf_input}<input type="hidden" name="next" value="{parts.path}">'
        f'<button type="submit" class="save-button" aria-pressed="{"true" if saved else "false"}">'
        f'<span class="save-label">{"Saved" if saved else "Save"}</span>'
        f'<span class="visually-hidden"> “{title}”</span></button></form>'
    )


_STATUS_LINES = {
    "published": "",
    "unpublished": ' · <span class="saved-status">No longer published</span>',
    "deleted": ' · <span class="saved-status">No longer on the site</span>',
}

_REMOVE_FORM = (
    '<form class="remove-form" method="post" action="{url}" data-title="{title}">{csrf}'
    '<input type="hidden" name="next" value="{path}"><button type="submit" class="button-quiet">Remove'
    '<span class="visually-hidden"> “{title}” from your saved pieces</span></button></form>'
)

# The note's label, help text and limits are the form's (what the view checks a note against).
_NOTE_FIELD = NoteForm.base_fields["note"]

# Every field is filled with escaped text (or markup built here from escaped text).
_SAVED_ITEM = (
    '<article class="saved-item" id="saved-{key}" aria-labelledby="saved-{key}-title">\n'
    '  <h2 class="saved-item-title" id="saved-{key}-title">{heading}</h2>\n'
    '  <p class="post-meta">Saved <time datetime="{saved_iso}">{saved_day}</time>{status_line}</p>\n'
    '  <div class="saved-note">\n'
    '    <p class="note-text"{no_note}><span class="visually-hidden">Your note: </span>'
    '<span class="note-body">{note_html}</span></p>\n'
    '    <p class="note-empty"{has_note}>No note yet.</p>\n'
    "  </div>\n"
    '  <details class="note-editor">\n'
    '    <summary><span class="note-summary">{summary}</span>'
    '<span class="visually-hidden"> on “{title}”</span></summary>\n'
    '    <form class="note-form" method="post" action="{note_url}" data-title="{title}">\n'
    '      {csrf}<input type="hidden" name="next" value="{path}#saved-{key}">\n'
    f'      <label for="note-{{key}}">{html.escape(_NOTE_FIELD.label)}</label>\n'
    f'      <p class="helptext" id="note-{{key}}-help">{html.escape(_NOTE_FIELD.help_text)}</p>\n'
    '      <div class="note-errors" id="note-{key}-errors"></div>\n'
    f'      <textarea id="note-{{key}}" name="note" rows="{_NOTE_FIELD.widget.attrs["rows"]}" '
    f'maxlength="{_NOTE_FIELD.widget.attrs["maxlength"]}" '
    'aria-describedby="note-{key}-help note-{key}-errors">{note}</textarea>\n'
    '      <button type="submit">Save note</button>\n'
    "    </form>\n"
    "  </details>\n"
    '  <div class="saved-actions">\n'
    "    {action}\n"
    "  </div>\n"
    "</article>\n"
)


@register.simple_tag(takes_context=True)
def saved_items(context, favourites):
    """The saved pieces of a page of /saved/ (``accounts.saved_pieces.SavedRow`` each), one after another.

    Each shows its title (a link only while the post is public), its private note with an in-place
    editor (a plain form that static/js/save.js sends without a reload), and the way to remove it.
    Unpublished and deleted posts keep their row. Every saved piece on the page is saved, so each public
    one offers "Saved" (pressing it unsaves).
    """
    parts = _parts(context)
    return mark_safe("".join(_saved_item(parts, favourite) for favourite in favourites))


def _saved_item(parts: _RequestParts, favourite) -> str:
    escape = html.escape
    saved_iso, saved_day = parts.dates(favourite.saved_at)
    key = str(favourite.key)
    title = escape(favourite.title)
    status, note = favourite.status, favourite.note
    if status == "published":
        heading = f'<a href="{parts.url("blog:post-detail", favourite.slug)}">{title}</a>'
        action = _save_form(parts, True, favourite.slug, favourite.title)
    else:
        heading = title
        url = escape(reverse("accounts:remove", args=[favourite.key]))
        action = _REMOVE_FORM.format(url=url, title=title, csrf=parts.csrf_input, path=parts.path)
    if favourite.post_id:
        note_url = parts.url("accounts:note", favourite.slug)
    else:
        note_url = escape(reverse("accounts:note-by-key", args=[favourite.key]))
    if note:
        note_text = escape(note)
        note_html = linebreaksbr(note, autoescape=True)
    else:
        note_text = note_html = ""
    return _SAVED_ITEM.format(
        key=key,
        heading=heading,
        saved_iso=saved_iso,
        saved_day=escape(saved_day),
        status_line=_STATUS_LINES[status],
        no_note="" if note else " hidden",
        has_note=" hidden" if note else "",
        note_html=note_html,
        summary="Edit your note" if note else "Add a note",
        title=title,
        note_url=note_url,
        csrf=parts.csrf_input,
        path=parts.path,
        note=note_text,
        action=action,
    )


@lru_cache(maxsize=8192)
def _filter_link(base: str, slug: str, name: str) -> tuple[str, str]:
    """A tag's link in the filter, escaped, as the halves either side of where aria-current goes."""
    start = f'<li><a class="tag" href="{base}?tag={html.escape(quote(slug, safe="/"))}"'
    return start, f">{html.escape(name)}</a></li>"


@register.simple_tag
def saved_filter(tags, current):
    """The "All" link and one link per tag of the member's saved pieces (a member may have hundreds)."""
    base = _escaped_saved_url(get_script_prefix())
    current_pk = current.pk if current is not None else None
    here = ' aria-current="page"'
    links = []
    for tag in tags:
        start, end = _filter_link(base, tag.slug, tag.name)
        links.append(f"{start}{here}{end}" if tag.pk == current_pk else start + end)
    everything = f'<li><a class="tag" href="{base}"{"" if current else here}>All</a></li>'
    return mark_safe(f'<ul class="tag-list">\n    {everything}\n    {"".join(links)}\n  </ul>')


@lru_cache(maxsize=8)
def _escaped_saved_url(script_prefix: str) -> str:
    return html.escape(reverse("accounts:saved"))
