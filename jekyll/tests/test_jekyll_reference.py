"""The importer's old URLs against the real Jekyll's: small sites written here are built with Debian's ``jekyll``
(4.3) and every post's old URL must be where Jekyll wrote it; a post Jekyll did not publish has none.

One site per permalink style, one using every placeholder Jekyll documents for posts, folder categories,
front matter defaults, time zones, a base URL, drafts shown, and file names that test the slug rules.
"""

import re

import pytest
from django.test import Client

from blog.models import OldUrl, Post
from jekyll import importer, reading
from jekyll.tests import reference

pytestmark = [
    pytest.mark.jekyll_reference,
    pytest.mark.skipif(reference.JEKYLL is None, reason=reference.SKIP_REASON),
]

POSTS = {
    "_posts/2024-03-05-plain.md": "title: Plain\n",
    "_posts/2024-03-06-with-cats.md": "title: Cats\ncategories: [Release, News Items]\n",
    "_posts/2024-03-07-one-cat.markdown": "title: One\ncategory: Misc\ncategories: a b\n",
    "win/_posts/2009-05-24-folder-category.md": "title: Win\n",
    "foo/_posts/bar/2008-12-12-topical.md": "title: Topical\ncategories: [Extra]\n",
    "_posts/en/2018-07-20-inside-posts.md": "title: Inside\n",
    "_posts/2009-03-12-hash-#1.md": "title: Hash\n",
    "_posts/2014-03-22-escape-+ %20[].markdown": "title: Escape\n",
    "_posts/2018-10-12-trailing-dots...md": "title: Dots\n",
    "_posts/2016-11-26-special-chars-(+).md": "title: Special\n",
    "_posts/2016-04-01-错误.html": "title: Error\n",
    "_posts/2011-04-12-text-extension.text": "title: Text\n",
    "_posts/2013-08-01-mkdn-extension.mkdn": "title: Mkdn\n",
    "_posts/2017-2-5-i-dont-like-zeroes.md": "title: Zeroes\n",
    "_posts/2020-01-01-Mixed-Case.md": "title: Mixed\n",
    "_posts/2020-02-02-own-slug.md": "title: Own\nslug: Chosen Slug!\n",
    "_posts/2020-12-31-late.md": 'title: Late\ndate: "2020-12-31 23:30:00"\n',
    "_posts/2021-01-03-early.md": "title: Early\ndate: 2021-01-03 02:00:00\n",
    "_posts/2021-01-04-offset.md": "title: Offset\ndate: 2021-01-04 23:00:00 -0800\n",
    "_posts/2021-01-05-date-only.md": "title: Date only\ndate: 2021-01-06\n",
    "_posts/2019-06-06-permalink.md": "title: P\npermalink: /fixed/:title/\n",
    "_posts/2019-06-07-permalink-ext.md": "title: P\npermalink: /fixed/page.htm\n",
    "_posts/2019-06-08-unpublished.md": "title: U\npublished: false\n",
    "_drafts/a-draft.md": "title: Draft\ndate: 2019-01-01\n",
}

EVERY_PLACEHOLDER = (
    "/:collection/:categories/:slugified_categories/:year/:short_year/:w_year/W:week/:w_day/:short_day/"
    ":long_day/:y_day/:month/:i_month/:short_month/:long_month/:day/:i_day/:hour-:minute-:second/"
    ":name/:slug/:title:output_ext"
)

SITES = {
    "date": "permalink: date\n",
    "pretty": "permalink: pretty\n",
    "ordinal": "permalink: ordinal\n",
    "weekdate": "permalink: weekdate\n",
    "none": "permalink: none\n",
    "no-config": None,
    "every-placeholder": f"permalink: {EVERY_PLACEHOLDER}\n",
    "path": "permalink: /archive/:path/\n",
    "month-underscore": "permalink: /:year/:month_:day/:title.html\n",
    "collections": "permalink: pretty\ncollections:\n  posts:\n    permalink: /news/:year/:title/\n",
    "auckland": "timezone: Pacific/Auckland\npermalink: /:year/:month/:day/:hour/:title/\n",
    "los-angeles": "timezone: America/Los_Angeles\n",
    "baseurl": 'baseurl: "/old-blog/"\npermalink: /:categories/:title/\n',
    "drafts-shown": "show_drafts: true\nunpublished: true\n",
    "defaults": (
        "permalink: /:categories/:title/\n"
        "defaults:\n"
        "  - scope: {path: '', type: posts}\n"
        "    values: {categories: [from-defaults], title: Site Title}\n"
        "  - scope: {path: win}\n"
        "    values: {permalink: '/windows/:title.html'}\n"
        "  - scope: {path: '_posts/en', type: posts}\n"
        "    values: {published: false}\n"
        "  - scope: {path: 'foo/*'}\n"
        "    values: {slug: from-glob}\n"
    ),
}


def _marker(body: str) -> int:
    return int(re.search(r"QQMARK(\d+)QQ", body).group(1))


def _site(tmp_path, config: str | None):
    root = tmp_path / "site"
    files = {path: reference.post(front, number) for number, (path, front) in enumerate(POSTS.items())}
    if config is not None:
        files["_config.yml"] = config
    reference.write_site(root, files)
    return root


@pytest.mark.parametrize("name", list(SITES))
def test_old_urls_are_where_jekyll_wrote_each_post(tmp_path, name):
    root = _site(tmp_path, SITES[name])
    written = reference.build(root)
    sources, missing, sites, refused = importer.collect([root])
    assert (missing, refused, len(sites)) == ([], [], 1)

    wrong = []
    for source in sources:
        parsed = reading.read(source).parsed
        number = _marker(parsed.body)
        if number in written:
            if parsed.is_draft or not reference.serves(parsed.legacy_url, written[number]):
                wrong.append(f"{source.relative_path}: Jekyll wrote {written[number]}, ours {parsed.legacy_url!r}")
        elif not parsed.is_draft or parsed.legacy_url:
            wrong.append(f"{source.relative_path}: Jekyll did not publish it, ours {parsed.legacy_url!r}")
    assert wrong == []
    assert len(sources) == len(POSTS)
    assert len(written) >= len(POSTS) - 3


@pytest.mark.django_db
def test_an_imported_site_redirects_each_old_url_with_and_without_its_baseurl(tmp_path):
    root = _site(tmp_path, 'baseurl: "/old-blog"\npermalink: /:categories/:title/\n')
    written = reference.build(root)
    report = importer.import_paths([root], workers=0)
    assert report.counts["failed"] == 0, [item.line() for item in report.failed]
    assert "baseurl /old-blog" in report.settings_lines()[0]

    client = Client()
    checked = 0
    for post in Post.objects.published():
        number = _marker(post.body)
        url = written[number].removesuffix("index.html")
        for old in (url, "/old-blog" + url):
            response = client.get(old)
            assert (response.status_code, response.get("Location")) == (301, post.get_absolute_url()), old
        checked += 1
    assert checked == len(written)  # the draft and the unpublished post were not public there either
    assert OldUrl.objects.count() == 2 * checked
