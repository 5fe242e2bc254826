"""Search hits as cards: the same card as a list's, the snippet its own, each post drawn once per process."""

import re

import pytest
from django.test.signals import template_rendered
from django.urls import clear_script_prefix, set_script_prefix
from taggit.models import Tag

from blog.caching import bump_content_version, content_version
from blog.drawn import forget_all
from blog.models import Post
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def articles(html: str) -> list[str]:
    return re.findall(r"<article class=\"post-card[^\"]*\">.*?</article>", html, re.DOTALL)


def squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


@pytest.fixture
def drawn():
    """The posts whose hit cards were drawn (not taken from the process's kept ones), in order, from a
    process that has drawn none yet."""
    seen = []

    def card_drawn(sender, template, context, **kwargs):
        if template.name == "includes/post_card_body.html" and context.get("hit"):
            seen.append(context["post"].pk)

    forget_all()
    template_rendered.connect(card_drawn)
    yield seen
    template_rendered.disconnect(card_drawn)


def test_a_hit_is_the_list_card_with_the_snippet_for_its_excerpt(client):
    post = PostFactory(title="Tide & <pools>", body="The tide comes in.", tags=["Shore", "Bay"])
    content_version()
    home = squeeze(articles(client.get("/").content.decode())[0])
    hit = squeeze(articles(client.get("/search/", {"q": "tide"}).content.decode())[0])
    excerpt = f'<p class="post-card-excerpt">{post.excerpt}</p>'
    assert excerpt in home
    # Each database cuts its own snippet (FTS5's snippet(), PostgreSQL's ts_headline): the match is marked.
    snippet = re.search(r'<p class="post-card-excerpt search-snippet">[^<]*<mark>tide</mark>[^<]*</p>', hit)[0]
    assert hit == home.replace('<article class="post-card">', '<article class="post-card search-result">').replace(
        excerpt, snippet
    )
    # Tags by name, each linked to its page; the title escaped.
    assert re.search(r'href="/tags/bay/">Bay</a>.*href="/tags/shore/">Shore</a>', hit)
    assert "Tide &amp; &lt;pools&gt;" in hit


def test_a_post_found_by_another_word_is_not_drawn_again(client, drawn):
    post = PostFactory(title="Harbour", body="tide and kelp")
    other = PostFactory(title="Kelp only", body="kelp", days_ago=3)
    content_version()
    client.get("/search/", {"q": "tide"})
    assert drawn == [post.pk]
    html = client.get("/search/", {"q": "kelp"}).content.decode()
    assert sorted(drawn) == sorted([post.pk, other.pk])  # "Harbour" came from the kept parts
    assert "<mark>kelp</mark>" in html and "Harbour" in html


def test_an_edited_post_shows_as_it_is_now(client, drawn):
    """Each step changes one thing the card shows, so a kept card keyed without it would show it stale."""
    post = PostFactory(title="Old title", body="heron", tags=["Birds"])
    client.get("/search/", {"q": "heron"})
    post.title = "New title"
    post.save()  # the title only: the slug, date, length and tags stay as they were
    html = client.get("/search/", {"q": "heron"}).content.decode()
    assert "New title" in html and "Old title" not in html
    assert ">Birds</a>" in html
    Tag.objects.filter(name="Birds").update(name="Waders")  # the tag's name only (its slug stays)
    bump_content_version()  # .update() sends no signal: move the version as a save would
    html = client.get("/search/", {"q": "heron"}).content.decode()
    assert ">Waders</a>" in html and ">Birds</a>" not in html and "New title" in html
    assert drawn == [post.pk, post.pk, post.pk]


def test_a_post_unpublished_since_drops_out(client, member):
    client.force_login(member)
    kept = PostFactory(title="Stays", body="heron")
    gone = PostFactory(title="Goes", body="heron", days_ago=2)
    assert "2 essays found" in client.get("/search/", {"q": "heron"}).content.decode()
    gone.status = Post.Status.DRAFT
    gone.save()
    html = client.get("/search/", {"q": "heron"}).content.decode()
    assert "1 essay found" in html and kept.title in html and "Goes" not in html


def test_the_tag_filter_keeps_its_own_cards(client):
    PostFactory(title="Rest with grief", body="rest", tags=["Grief"])
    PostFactory(title="Rest with joy", body="rest", tags=["Joy"], days_ago=2)
    everything = client.get("/search/", {"q": "rest"}).content.decode()
    grief = client.get("/search/", {"q": "rest", "tag": "grief"}).content.decode()
    assert len(articles(everything)) == 2
    assert [card for card in articles(grief) if "Rest with grief" in card] == articles(grief)


def test_a_post_without_tags_has_no_tag_list(client):
    PostFactory(title="Bare", body="lichen")
    card = articles(client.get("/search/", {"q": "lichen"}).content.decode())[0]
    assert "<mark>lichen</mark>" in card and "tag-list" not in card


def test_links_carry_the_script_prefix_they_were_drawn_under(client, drawn):
    PostFactory(title="Moss", slug="moss", body="moss", tags=["Forest"])
    content_version()
    set_script_prefix("/journal/")
    try:
        prefixed = articles(client.get("/search/", {"q": "moss"}).content.decode())[0]
    finally:
        clear_script_prefix()
    # The kept page of hits is per version, not per prefix: a new version makes this a first search again.
    PostFactory(title="Other", body="other")
    plain = articles(client.get("/search/", {"q": "moss"}).content.decode())[0]
    assert 'href="/journal/posts/moss/"' in prefixed and 'href="/journal/tags/forest/"' in prefixed
    assert 'href="/posts/moss/"' in plain and 'href="/tags/forest/"' in plain


def test_the_kept_parts_are_bounded(client, drawn, settings):
    settings.WORKER_HIT_CARDS = 3
    ferns = {PostFactory(title=f"Fern {i}", body="fern", days_ago=i + 1).pk: str(i) for i in range(5)}
    client.get("/search/", {"q": "fern"})
    assert sorted(drawn) == sorted(ferns)
    first, last = drawn[0], drawn[-1]
    client.get("/search/", {"q": ferns[last]})  # kept: not drawn again
    client.get("/search/", {"q": ferns[first]})  # the oldest two went out to keep three
    assert drawn[5:] == [first]


def test_a_members_first_search_queries(client, member, django_assert_num_queries):
    for i in range(12):
        PostFactory(title=f"Pebble {i}", body="pebble", days_ago=i + 1, tags=["Stone", "Shore"])
    client.force_login(member)
    client.get("/privacy/")  # the member's own rows read and kept, as on any page before a search
    # the ranked page with snippets and the count; the page's posts with their tags; the saved ids
    with django_assert_num_queries(3):
        html = client.get("/search/", {"q": "pebble"}).content.decode()
    assert "12 essays found" in html and len(articles(html)) == 10


def test_a_hits_post_and_tags_come_back_as_stored_whatever_the_tag_names():
    """The page's posts and their tags come back in one query as stored: names with quotes, backslashes,
    markup or any script exactly, and dates as the ORM gives them (aware, on both databases)."""
    from blog.search import HitTag, hit_posts

    names = ['Tea "and" cake', "Back\\slash", "<b>bold</b>", "Ünïcödé 茶"]
    tagged = PostFactory(title="Tagged", tags=names)
    bare = PostFactory(title="Bare")
    found = hit_posts([tagged.pk, bare.pk, 999_999])
    assert set(found) == {tagged.pk, bare.pk}
    post, tags = found[tagged.pk]
    assert (post.title, post.slug, post.published_at, post.is_public) == (
        "Tagged",
        tagged.slug,
        tagged.published_at,
        True,
    )
    expected = {HitTag(tag.pk, tag.name, tag.slug) for tag in Tag.objects.filter(name__in=names)}
    assert set(tags) == expected and len(tags) == 4
    assert found[bare.pk][1] == [] and hit_posts([]) == {}
