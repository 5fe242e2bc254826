"""Old links keep working: a path the site this one replaced served answers 301 to the post now there.

Asked for by the catch-all route (``legacy_redirect``) and by the 404 handler, so that an old URL under a
prefix this site also uses (``/tags/…``, ``/media/…``) redirects too: an old URL is never a 404 unless this
site has a page there. Only public posts are redirected to; a draft's old URL stays a 404.
"""

import posixpath
import re

from django.http import HttpResponsePermanentRedirect

from blog.models import OldUrl, Post

MAX_PATH_LENGTH = 1000
# Jekyll's default permalink, /[categories/]YYYY/MM/DD/slug.html: a post whose old URL was never recorded
# may still be found by its slug.
_JEKYLL_DATE_PATH = re.compile(r"^/(?:[^?#]*/)?\d{4}/\d{1,2}/\d{1,2}/(?P<slug>[^/]+?)(?:\.html?|/)?$")


def candidates(path: str) -> list[str]:
    """The forms one old link may take: with or without a trailing slash, ``index.html`` or ``.html``
    (a web server answers ``/a/b`` for the file ``/a/b.html``, and ``/a/`` for ``/a/index.html``)."""
    forms = [path]
    bare = path.rstrip("/") or "/"
    if bare.endswith("/index.html"):
        bare = bare.removesuffix("index.html").rstrip("/") or "/"
        forms.append(bare)
    forms += [bare, bare + "/"]
    stem, ext = posixpath.splitext(bare)
    if ext in {".html", ".htm"}:
        forms += [stem, stem + "/"]
    elif not ext:
        forms.append(bare + ".html")
    return list(dict.fromkeys(form for form in forms if form))


def post_for(path: str) -> Post | None:
    """The public post an old path belongs to, if any."""
    if "\x00" in path or len(path) > MAX_PATH_LENGTH or not path.startswith("/"):
        return None
    forms = candidates(path)
    public = Post.objects.published()
    row = OldUrl.objects.filter(path__in=forms, post__in=public).select_related("post").only("post__slug").first()
    if row is not None:
        return row.post
    post = public.filter(legacy_url__in=forms).only("slug").first()
    if post is None and (match := _JEKYLL_DATE_PATH.match(path)):
        post = public.filter(slug=match["slug"]).only("slug").first()
    return post


def redirect_for(request) -> HttpResponsePermanentRedirect | None:
    """A 301 to the post when the request's path was one of its old URLs (GET and HEAD only)."""
    if request.method not in {"GET", "HEAD"}:
        return None
    post = post_for(request.path)
    return HttpResponsePermanentRedirect(post.get_absolute_url()) if post is not None else None
