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
from django.urls import get_script_prefix, reverse
from django.utils.dates import MONTHS
from django.utils.safestring import mark_safe
from django.utils.text import normalize_newlines
from django.utils.timezone import template_localtime

from accounts.services import NOTE_MAX_LENGTH

register = template.Library()


def _dates(value) -> tuple[str, str]:
    """The |date:"c" and |date:"j F Y" of ``value`` in the current time zone, as a template shows them."""
    value = template_localtime(value)
    return value.isoformat(), f"{value.day} {MONTHS[value.month]} {value.year}"


@lru_cache(maxsize=32768)
def _reverse(script_prefix: str, name: str, slug: str) -> str:
    """A post's URL by route name, reversed once per process (the script prefix is part of the key)."""
    return reverse(name, args=[slug])


def _post_url(name: str, slug: str) -> str:
    return _reverse(get_script_prefix(), name, slug)


def _form_parts(context) -> tuple[str, str]:
    """The CSRF input and the page's own path (for ``next``), worked out once per request.

    Every form on a page carries the same masked token, as ``{% csrf_token %}`` would give them.
    """
    request = context["request"]
    parts = getattr(request, "_saving_form_parts", None)
    if parts is None:
        token = html.escape(str(context.get("csrf_token", "")))
        token_input = f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
        parts = request._saving_form_parts = (token_input, html.escape(request.get_full_path()))
    return parts


@register.simple_tag(takes_context=True)
def save_button(context, post):
    """Save/Saved for ``post``: a form for members (state from ``saved_ids``), a login link for readers.

    Readers who are not logged in get a plain link, so public pages carry no form and set no cookie.
    Members get a real form (CSRF, ``next`` back here) that static/js/save.js sends with fetch.
    """
    return _save_control(context, post.pk, post.slug, post.title)


def _save_control(context, pk: int, slug: str, title: str) -> str:
    escape = html.escape
    save_url, unsave_url = escape(_post_url("accounts:save", slug)), escape(_post_url("accounts:unsave", slug))
    title = escape(title)
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return mark_safe(
            f'<a class="save-button save-login" href="{save_url}" rel="nofollow">Save'
            f'<span class="visually-hidden"> “{title}” (log in first)</span></a>'
        )
    saved = pk in context.get("saved_ids", ())
    csrf_input, path = _form_parts(context)
    return mark_safe(
        f'<form class="save-form" method="post" action="{unsave_url if saved else save_url}" '
        f'data-save-url="{save_url}" data-unsave-url="{unsave_url}" data-title="{title}">'
        f'{csrf_input}<input type="hidden" name="next" value="{path}">'
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
    '      <label for="note-{key}">Your private note</label>\n'
    f'      <p class="helptext" id="note-{{key}}-help">Only you can see this. Up to {NOTE_MAX_LENGTH:,} characters; '
    "leave it empty to clear it.</p>\n"
    '      <div class="note-errors" id="note-{key}-errors"></div>\n'
    f'      <textarea id="note-{{key}}" name="note" rows="4" maxlength="{NOTE_MAX_LENGTH}" '
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
def saved_item(context, favourite):
    """One saved piece on /saved/ (an ``accounts.saved_page.SavedRow``): its title (a link only while the
    post is public), its private note with an in-place editor (a plain form that static/js/save.js
    sends without a reload), and the way to remove it. Unpublished and deleted posts keep their row.
    """
    escape = html.escape
    csrf_input, path = _form_parts(context)
    saved_iso, saved_day = _dates(favourite.saved_at)
    key = escape(str(favourite.key))
    title = escape(favourite.title)
    status, note = favourite.status, favourite.note
    if status == "published":
        heading = f'<a href="{escape(_post_url("blog:post-detail", favourite.slug))}">{title}</a>'
        action = _save_control(context, favourite.post_id, favourite.slug, favourite.title)
    else:
        heading = title
        url = escape(reverse("accounts:remove", args=[favourite.key]))
        action = _REMOVE_FORM.format(url=url, title=title, csrf=csrf_input, path=path)
    if favourite.post_id:
        note_url = _post_url("accounts:note", favourite.slug)
    else:
        note_url = reverse("accounts:note-by-key", args=[favourite.key])
    note_text = escape(note)
    return mark_safe(
        _SAVED_ITEM.format(
            key=key,
            heading=heading,
            saved_iso=escape(saved_iso),
            saved_day=escape(saved_day),
            status_line=_STATUS_LINES[status],
            no_note="" if note else " hidden",
            has_note=" hidden" if note else "",
            # The |linebreaksbr filter: newlines normalised, text escaped, then <br> for each newline.
            note_html=escape(normalize_newlines(note)).replace("\n", "<br>"),
            summary="Edit your note" if note else "Add a note",
            title=title,
            note_url=escape(note_url),
            csrf=csrf_input,
            path=path,
            note=note_text,
            action=action,
        )
    )


@register.simple_tag
def saved_filter(tags, current):
    """The "All" link and one link per tag of the member's saved pieces (a member may have hundreds)."""
    escape = html.escape
    base = escape(reverse("accounts:saved"))
    current_pk = current.pk if current is not None else None
    here = ' aria-current="page"'
    links = "".join(
        f'<li><a class="tag" href="{base}?tag={escape(quote(tag.slug, safe="/"))}"'
        f"{here if tag.pk == current_pk else ''}>{escape(tag.name)}</a></li>"
        for tag in tags
    )
    everything = f'<li><a class="tag" href="{base}"{"" if current else here}>All</a></li>'
    return mark_safe(f'<ul class="tag-list">\n    {everything}\n    {links}\n  </ul>')
