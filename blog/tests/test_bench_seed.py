"""The benchmark's seeder works (at 50 posts): bulk rows that the site, search and constraints accept."""

import pytest
from django.db import connection

from accounts.models import Favourite
from bench import site
from bench.seed import seed_members, seed_posts
from blog import search
from blog.caching import content_version
from blog.models import Post, TaggedPost

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_seeds_posts_tags_members_and_saved_pieces(client):
    report = seed_posts(50, blocks=60, processes=1)
    assert report.posts == Post.objects.count() == 50
    members = seed_members(20, 100)
    assert members.members == 20 and Favourite.objects.count() == 100
    connection.check_constraints()  # the tag links went in before their posts: valid once all are in

    post = Post.objects.published().first()
    assert 600 <= len(post.body_text.split()) <= 2600
    assert post.body_html.startswith("<p>") and post.excerpt
    assert 3 <= TaggedPost.objects.filter(content_object=post).count() <= 5

    # The search index saw each post with its tags.
    tag = post.tags.first()
    assert post.pk in {hit.pk for hit in search.search(tag.name)[0:50]}

    assert client.get("/").status_code == 200
    assert client.get(post.get_absolute_url()).status_code == 200

    # Growing is incremental (asking for 60 adds ten), and the site is told: what it kept before is stale.
    version = content_version()
    assert seed_posts(60, blocks=60, processes=1).posts == 10
    assert content_version() != version


def test_synthetic_jekyll_files(tmp_path):
    site.write_synthetic_jekyll(tmp_path, 3)
    files = sorted((tmp_path / "_posts").iterdir())
    assert len(files) == 3
    text = files[0].read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: ") and len(text.split()) > 600


def test_wrk_output_is_read():
    from bench.load import parse_wrk

    output = """Running 10s test @ http://127.0.0.1:8000/
  Latency Distribution
     50%  812.00us
     75%    1.10ms
     90%    2.00ms
     99%    4.51ms
  28923 requests in 10.00s, 1.20GB read
Requests/sec:   2891.30
"""
    result = parse_wrk(output)
    assert (result.requests_per_second, result.p50_ms, result.p99_ms, result.errors) == (2891.3, 0.812, 4.51, 0)
