"""Member views: save and unsave a piece, the saved list, the account page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts import services
from accounts.models import Favourite
from blog.models import Post

PENDING_SAVE_KEY = "pending_save"


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _next_url(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


def _set_saved(request, slug, saved: bool):
    post = get_object_or_404(Post.objects.published(), slug=slug)
    if saved:
        services.favourite_add(user=request.user, post=post)
    else:
        services.favourite_remove(user=request.user, post=post)
    if _wants_json(request):
        return JsonResponse({"saved": saved})
    return HttpResponseRedirect(_next_url(request, post.get_absolute_url()))


@require_http_methods(["GET", "HEAD", "POST"])
def save(request, slug):
    """POST saves. GET changes nothing: it sends a reader who is not logged in to log in first."""
    if request.method == "POST":
        if not request.user.is_authenticated:
            return HttpResponseRedirect(f"{reverse('account_login')}?next={reverse('blog:post-detail', args=[slug])}")
        return _set_saved(request, slug, True)
    post = get_object_or_404(Post.objects.published(), slug=slug)
    if request.user.is_authenticated:
        return HttpResponseRedirect(post.get_absolute_url())
    # Remember the wish; the account adapter saves it once they have logged in or signed up.
    request.session[PENDING_SAVE_KEY] = post.slug
    return HttpResponseRedirect(f"{reverse('account_login')}?next={post.get_absolute_url()}")


@require_POST
@login_required
def unsave(request, slug):
    return _set_saved(request, slug, False)


@login_required
def saved(request):
    favourites = Favourite.objects.for_user(request.user).select_related("post")
    return render(request, "accounts/saved.html", {"favourites": favourites})


@login_required
def account(request):
    return render(request, "accounts/account.html", {})
