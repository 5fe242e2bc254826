"""Public pages: home, post, tags, tag, archive, legacy redirects and error pages.

Every query for public posts starts from ``Post.objects.published()``; every
list states what it prefetches. Anonymous responses are marked public so the
page cache (``blog.page_cache``) can keep them.
"""

import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, prefetch_related_objects
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.urls import Resolver404, resolve, reverse
from django.utils.functional import SimpleLazyObject, cached_property
from django.views.decorators.http import require_safe
from taggit.models import Tag

from blog import old_urls
from blog.caching import cached_list, content_version, set_last_modified
from blog.cards import archive_page, card_page, hit_list, hit_page
from blog.models import Post, TaggedPost
from blog.page_cache import public_page
from blog.posts import site_url, tags_in_use
from blog.related import related_posts
from blog.search import MAX_QUERY_LENGTH, SearchForm
from blog.search import search as search_posts
from blog.sitetext import site_text

POSTS_PER_PAGE = 10
ARCHIVE_PER_PAGE = 100
RELATED_POSTS = 3


def public_tag_or_404(slug: str) -> Tag:
    """The tag ``slug`` if a public post carries it: a tag only drafts carry is as unknown as no tag."""
    on_public_post = TaggedPost.objects.filter(tag=OuterRef("pk"), content_object__in=Post.objects.published())
    return get_object_or_404(Tag.objects.filter(Exists(on_public_post)), slug=slug)


@require_safe
@public_page(params=("page",))
def home(request):
    """Newest published posts, ten a page."""
    page = card_page(request, lambda: Post.objects.published().for_list(), POSTS_PER_PAGE, "home")
    return render(request, "blog/home.html", {"page": page})


class PostRelations:
    """What a post page shows besides the post: its tags, and the previous, next and related posts.

    Each is looked up only when first asked for. A member's post page takes them from fragments kept
    under the content version, so on a warm page none of these queries runs.
    """

    def __init__(self, post):
        self.post = post

    @cached_property
    def _public(self):
        # Built only on a fragment miss: a warm member page asks for none of the relations.
        return Post.objects.published().defer(*Post.TEXT_FIELDS)

    @cached_property
    def tags(self):
        prefetch_related_objects([self.post], "tags")  # so post.tags.all() is the same list, no new query
        return self.post.tags.all()

    def _adjacent(self, *, newer: bool):
        """The public post just before (or after) this one by date, ties broken by id."""
        post = self.post
        if not post.is_public:
            return None
        op = "gt" if newer else "lt"
        beyond = Q(**{f"published_at__{op}": post.published_at}) | Q(
            published_at=post.published_at, **{f"pk__{op}": post.pk}
        )
        order = ("published_at", "pk") if newer else ("-published_at", "-pk")
        return self._public.filter(beyond).order_by(*order).first()

    @cached_property
    def previous(self):
        return self._adjacent(newer=False)

    @cached_property
    def next(self):
        return self._adjacent(newer=True)

    @cached_property
    def related(self) -> list:
        if not self.post.is_public:
            return []
        return related_posts(self.post, [tag.pk for tag in self.tags], limit=RELATED_POSTS)


def member_post(slug: str) -> Post:
    """The public post ``slug`` for a member's page, without its text (the body comes from a fragment).

    A member's page is built on every request: the row is kept under the content version, which every
    write to posts and tags and every scheduled post's time moves (as for the anonymous page cache). Only
    posts found are kept, so unknown slugs cannot fill the cache.
    """
    # The slug is whatever the address said: hashed, so that no character or length of it reaches a key.
    digest = hashlib.blake2b(slug.encode(), digest_size=16).hexdigest()

    def found():
        # A 404 raises here, before anything is kept.
        return [get_object_or_404(Post.objects.published().defer(*Post.TEXT_FIELDS), slug=slug)]

    return cached_list(found, "member-post", digest)[0]


@require_safe
@public_page
def post_detail(request, slug):
    """One post. Staff may preview drafts and scheduled posts; the public gets 404 for them.

    Everything on the page but the Save button comes from fragments: the body keyed by the post's
    version, the head, tags and navigation by the content version (they show other posts and tags).
    """
    if request.user.is_staff:
        post = get_object_or_404(Post.objects.defer(*Post.TEXT_FIELDS), slug=slug)
    elif request.user.is_authenticated:
        post = member_post(slug)
    else:
        # Built once per content version (the page cache): the body comes in the same query.
        post = get_object_or_404(Post.objects.published().defer("body", "body_text"), slug=slug)
    relations = PostRelations(post)
    context = {
        "post": post,
        "relations": relations,
        "content_version": content_version(),
    }
    response = render(request, "blog/post_detail.html", context)
    if not post.is_public:
        response.headers["X-Robots-Tag"] = "noindex"
    elif not request.user.is_authenticated:
        set_last_modified(response, [post, relations.previous, relations.next, *relations.related])
    return response


@require_safe
@public_page
def tag_list(request):
    """Every tag in use, with its count (counted once per content version; see docs/performance.md).

    The list is drawn once per content version too (a fragment): read only when that fragment is missing.
    """
    tags = SimpleLazyObject(lambda: cached_list(tags_in_use, "tags-in-use"))
    return render(request, "blog/tag_list.html", {"tags": tags, "content_version": content_version()})


@require_safe
@public_page(params=("page",))
def tag_detail(request, slug):
    """One tag's posts, newest first, paginated."""
    tag = public_tag_or_404(slug)
    page = card_page(
        request, lambda: Post.objects.published().filter(tags=tag).for_list(), POSTS_PER_PAGE, "tag", tag.pk
    )
    return render(request, "blog/tag_detail.html", {"tag": tag, "page": page})


@require_safe
@public_page(params=("page",))
def archive(request):
    """Every public post, newest first, grouped by year and month (titles and dates), a hundred a page."""
    page = archive_page(
        request,
        lambda: Post.objects.published().only("title", "slug", "published_at").order_by("-published_at", "-pk"),
        ARCHIVE_PER_PAGE,
    )
    # A compact list to find an essay by its date: saving is done from the essay itself.
    return render(request, "blog/archive.html", {"page": page, "years": page.object_list})


@require_safe
@public_page
def about(request):
    """The about page staff write in the admin (site text); until they do, the site's description."""
    return render(request, "blog/about.html", {"text": site_text()})


@require_safe
@public_page
def privacy(request):
    """What the site keeps about readers and members, in plain words."""
    return render(request, "blog/privacy.html")


@require_safe
@public_page
def robots_txt(request):
    # From SITE_URL, like the sitemap itself: the page is cached by path alone, whatever Host asked.
    sitemap_url = site_url(reverse("sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /saved/",
        # The anonymous "Save" link leads to a page asking the reader to log in: nothing to index.
        "Disallow: /posts/*/save/",
        f"Sitemap: {sitemap_url}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def legacy_redirect(request, path):
    """301 from an old URL (see blog.old_urls) to the post; else what CommonMiddleware's APPEND_SLASH would do."""
    wanted = "/" + path.lstrip("/")
    if "\x00" in wanted or len(wanted) > old_urls.MAX_PATH_LENGTH:
        raise Http404("No such page.")
    post = old_urls.post_for(request.path_info)
    if post is None:
        # The catch-all route hides CommonMiddleware's APPEND_SLASH: do its job here.
        if not wanted.endswith("/") and _resolves_elsewhere(wanted + "/"):
            query = request.META.get("QUERY_STRING", "")
            # From ``wanted`` (one leading slash), never request.path: "//host" would leave the site.
            return HttpResponsePermanentRedirect(wanted + "/" + (f"?{query}" if query else ""))
        raise Http404("No such page.")
    return HttpResponsePermanentRedirect(post.get_absolute_url())


def _resolves_elsewhere(path: str) -> bool:
    try:
        return resolve(path).url_name != "legacy-redirect"
    except Resolver404:
        return False


def page_not_found(request, exception=None):
    """The 404 page, unless the path was a post's old URL under a prefix this site also uses (``/tags/…``)."""
    if (redirect := old_urls.redirect_for(request)) is not None:
        return redirect
    html = loader.render_to_string("404.html", {}, request)
    return HttpResponse(html, status=404)


def server_error(request):
    """A styled 500 that needs no database and shows the request id to quote."""
    # No request context: the database or session may be what failed.
    context = {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_DESCRIPTION": settings.SITE_DESCRIPTION,
        "request_id": getattr(request, "request_id", ""),
    }
    html = loader.render_to_string("500.html", context)
    return HttpResponse(html, status=500)


@require_safe
@public_page(params=("q", "tag", "page"))
def search(request):
    """Full-text search over public posts: ranked, highlighted, ten a page, optionally within one tag."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        raise Http404("No such search.")  # a malformed ?tag=; ?q= is cleaned, never refused
    query = form.cleaned_data["q"]
    # Over-long text is searched by its start, and the reader is told so rather than refused.
    query_was_cut = len(request.GET.get("q", "").strip()) > MAX_QUERY_LENGTH
    tag = public_tag_or_404(form.cleaned_data["tag"]) if form.cleaned_data["tag"] else None
    results = search_posts(query, tag=tag)
    page = hit_page(request, results, POSTS_PER_PAGE)
    hits = page.object_list
    extra_query = urlencode({key: value for key, value in (("q", query), ("tag", tag.slug if tag else "")) if value})
    context = {
        "query": query,
        "query_was_cut": query_was_cut,
        "max_query_length": MAX_QUERY_LENGTH,
        "tag": tag,
        "page": page,
        "hits": hits,
        "hit_list": hit_list(hits),
        "extra_query": extra_query,
    }
    response = render(request, "blog/search.html", context)
    # Kept as a page only when it found something and is spelled the canonical way (blog.search.terms:
    # words lower-cased, each once, sorted): any other spelling is drawn from the same shared results
    # on each request, so shuffled or re-cased words cannot fill the page cache.
    canonical = (request.GET.get("q", ""), request.GET.get("tag", "")) == (
        " ".join(results.words),
        tag.slug if tag else "",
    )
    response.cacheable_public = canonical and bool(hits)
    return response
