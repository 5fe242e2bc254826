"""Member views: save and unsave a piece, the saved list and its notes, the account page, export, deletion.

Every write is a POST behind CSRF; every lookup of a member's row includes ``user=request.user``,
so another member's row is simply not found (404). URLs name posts by slug, or a row by its
random key once its post is gone: never by a number that could be counted up.
"""

import re
import uuid
from urllib.parse import urlencode

from allauth.account.models import EmailAddress
from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from taggit.models import Tag

from accounts import exports, pending, saved_fragments, services
from accounts.forms import DeleteAccountForm, NoteForm
from accounts.models import Favourite
from blog.models import Post
from blog.pagination import page_number, page_of

SAVED_PER_PAGE = 20
_TAG_SLUG = re.compile(r"[-\w]{1,255}")
_NEXT_MAX_LENGTH = 2000


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _next_url(request, fallback: str) -> str:
    """The ``next`` the form carried, if it points into this site; else ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if len(target) <= _NEXT_MAX_LENGTH and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _login_url(next_url: str) -> str:
    return f"{reverse('account_login')}?{urlencode({'next': next_url})}"


def _set_saved(request, slug: str, saved: bool):
    post = get_object_or_404(Post.objects.published().only("pk", "title", "slug"), slug=slug)
    if saved:
        services.favourite_add(user=request.user, post=post)
    else:
        services.favourite_remove(user=request.user, post=post)
    if _wants_json(request):
        return JsonResponse({"saved": saved, "slug": post.slug})
    if saved:
        messages.success(request, f"Saved “{post.title}”.")
    else:
        messages.success(request, f"Removed “{post.title}” from your saved pieces.")
    return HttpResponseRedirect(_next_url(request, post.get_absolute_url()))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def save(request, slug):
    """POST saves the piece (idempotent). GET saves nothing and remembers nothing.

    A reader who is not logged in follows the Save link to a page that says what happens next and
    asks them to log in: its button POSTs here, and only then is their wish kept in their session
    (a cross-site link cannot plant one), to be granted by ``accounts.adapter`` once they have logged
    in or signed up, which brings them back to the piece.
    """
    if request.method == "POST":
        if not request.user.is_authenticated:
            post = get_object_or_404(Post.objects.published().only("pk", "title", "slug"), slug=slug)
            if _wants_json(request):
                return JsonResponse({"error": "Please log in to save pieces."}, status=401)
            pending.remember(request, post)
            return HttpResponseRedirect(_login_url(post.get_absolute_url()))
        return _set_saved(request, slug, True)
    post = get_object_or_404(Post.objects.published().only("pk", "title", "slug"), slug=slug)
    if request.user.is_authenticated:
        return HttpResponseRedirect(post.get_absolute_url())
    return render(request, "accounts/save_login.html", {"post": post})


@never_cache
@require_POST
@login_required
def unsave(request, slug):
    """Remove the piece from the member's saved pieces (idempotent)."""
    return _set_saved(request, slug, False)


def _saved_tag(request):
    """The ``?tag=`` filter: absent, or the slug of an existing tag (anything else is a 404)."""
    raw = request.GET.get("tag", "")
    if not raw:
        return None
    if not _TAG_SLUG.fullmatch(raw):
        raise Http404("No such tag.")
    return get_object_or_404(Tag, slug=raw)


@never_cache
@require_safe
@login_required
def saved(request):
    """The member's saved pieces, newest saved first, 20 a page, optionally one tag's only.

    The page's filter and rows come drawn from the cache when the member has changed nothing since
    (accounts/saved_fragments.py); only the page around them is drawn for each request.
    """
    tag = _saved_tag(request)
    number = page_number(request)
    drawn = saved_fragments.saved_page(user=request.user, tag=tag, number=number, per_page=SAVED_PER_PAGE)
    if drawn is None:
        # A valid page number past the end (the member just removed the last piece on it):
        # go to page 1 rather than show a dead end.
        return HttpResponseRedirect(saved_fragments.page_url(tag))
    context = {
        # For the pagination links only: the rows are drawn already.
        "page": page_of([], [], number, SAVED_PER_PAGE, drawn.total),
        "drawn": drawn,
        "tag": tag,
        "extra_query": urlencode({"tag": tag.slug}) if tag else "",
        "removed": _just_removed(request),
    }
    return render(request, "accounts/saved.html", context)


def _just_removed(request) -> Favourite | None:
    """The row named by ``?removed=`` (where a removal without JavaScript lands), to offer its Undo."""
    raw = request.GET.get("removed", "")
    if not raw:
        return None
    try:
        key = uuid.UUID(raw)
    except ValueError:
        return None
    return Favourite.objects.for_list().filter(user=request.user, key=key, removed_at__isnull=False).first()


def _note_page(request, favourite: Favourite):
    """The note's own page: its editor without JavaScript (/saved/ links here), returning to the row."""
    form = NoteForm(initial={"note": favourite.note}, current=favourite.note)
    context = {"favourite": favourite, "form": form, "next": _next_url(request, _row_url(favourite))}
    return render(request, "accounts/note_form.html", context)


def _row_url(favourite: Favourite) -> str:
    return f"{saved_fragments.page_url()}#saved-{favourite.key}"


def _save_note(request, favourite: Favourite):
    if request.method != "POST":
        return _note_page(request, favourite)
    form = NoteForm(request.POST, current=favourite.note)
    if not form.is_valid():
        if _wants_json(request):
            messages_ = [error["message"] for error in form.errors.get_json_data().get("note", [])]
            return JsonResponse({"errors": {"note": messages_}}, status=400)
        context = {"favourite": favourite, "form": form, "next": _next_url(request, saved_fragments.page_url())}
        return render(request, "accounts/note_form.html", context, status=400)
    note = form.cleaned_data["note"]
    services.note_set(favourite=favourite, note=note)
    if _wants_json(request):
        return JsonResponse({"note": favourite.note, "saved": True})
    messages.success(request, f"Note saved for “{favourite.title}”.")
    return HttpResponseRedirect(_next_url(request, _row_url(favourite)))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def note(request, slug):
    """Add or edit the member's note on a piece they saved (deleting it is :func:`note_delete`).

    GET shows the note's own page, where a member without JavaScript writes it; POST saves it.
    """
    favourite = get_object_or_404(Favourite.objects.saved().for_list(), user=request.user, post__slug=slug)
    return _save_note(request, favourite)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def note_by_key(request, key):
    """The same, by the row's key: for a piece no longer public (its slug may be a draft's) or deleted."""
    favourite = get_object_or_404(Favourite.objects.saved().for_list(), user=request.user, key=key)
    return _save_note(request, favourite)


@never_cache
@require_POST
@login_required
def remove(request, key):
    """Remove one of the member's pieces by its key (published or not), keeping its note for Undo."""
    favourite = get_object_or_404(Favourite.objects.for_list(), user=request.user, key=key)
    services.favourite_remove_key(user=request.user, key=key)
    if _wants_json(request):
        return JsonResponse({"removed": True})
    # The notice with its Undo is drawn by /saved/ (a message is only words).
    return HttpResponseRedirect(f"{saved_fragments.page_url()}?{urlencode({'removed': favourite.key})}")


@never_cache
@require_POST
@login_required
def restore(request, key):
    """Undo a removal: the piece is back on /saved/ with its note."""
    favourite = get_object_or_404(Favourite.objects.for_list(), user=request.user, key=key)
    services.favourite_restore(user=request.user, key=key)
    if _wants_json(request):
        return JsonResponse({"restored": True})
    messages.success(request, f"“{favourite.title}” is back in your saved pieces.")
    return HttpResponseRedirect(f"{saved_fragments.page_url()}#saved-{favourite.key}")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def note_delete(request, key):
    """Delete the member's note on a piece: its own action, the note's words shown before it goes."""
    favourite = get_object_or_404(Favourite.objects.for_list(), user=request.user, key=key)
    if request.method == "POST":
        if favourite.note:
            services.note_delete(favourite=favourite)
            messages.success(request, f"Your note on “{favourite.title}” is deleted.")
        return HttpResponseRedirect(f"{saved_fragments.page_url()}#saved-{favourite.key}")
    if not favourite.note:
        return HttpResponseRedirect(f"{saved_fragments.page_url()}#saved-{favourite.key}")
    return render(request, "accounts/note_delete.html", {"favourite": favourite})


@never_cache
@require_safe
@login_required
def account(request):
    """The member's account: email addresses, password, their data, and the way out."""
    context = {
        "email_addresses": EmailAddress.objects.filter(user=request.user).order_by("-primary", "email"),
        "saved_count": Favourite.objects.saved().filter(user=request.user).count(),
    }
    return render(request, "accounts/account.html", context)


@never_cache
@require_safe
@login_required
def export(request):
    """Download my data: the account and every saved piece with its note, as a JSON file."""
    return exports.download(request.user)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def delete(request):
    """Delete the account (after the password), its saved pieces and notes; posts stay."""
    form = DeleteAccountForm(user=request.user)
    limited = False
    if request.method == "POST":
        # Guessing a password here is as rate-limited as allauth's own re-authentication.
        limited = not ratelimit.consume(request, action="reauthenticate", user=request.user)
        if not limited:
            form = DeleteAccountForm(request.POST, user=request.user)
            if form.is_valid():
                user = request.user
                logout(request)
                services.account_delete(user=user, before=form.forget_elsewhere)
                messages.success(request, "Your account, saved pieces and notes have been deleted. Take care.")
                return HttpResponseRedirect(reverse("blog:home"))
    context = {
        "form": form,
        "limited": limited,
        "saved_count": Favourite.objects.saved().filter(user=request.user).count(),
        "kept_notes": Favourite.objects.filter(user=request.user, removed_at__isnull=False).exclude(note="").count(),
    }
    status = 429 if limited else 400 if form.errors else 200
    return render(request, "accounts/delete.html", context, status=status)
