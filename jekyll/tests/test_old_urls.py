"""A post's identity is its Jekyll URL; every old URL answers 301; the importer reads only what it was given."""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from blog.models import OldUrl, Post
from jekyll import importer
from jekyll.front_matter import MAX_FILE_BYTES

pytestmark = pytest.mark.django_db


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def post(title: str, extra: str = "") -> str:
    return f"---\ntitle: {title}\n{extra}---\n\nBody of {title}.\n"


def test_same_file_name_in_two_folders_gives_two_posts_each_with_its_old_url(tmp_path, client):
    write(tmp_path, "_posts/en/2023-05-17-policy.md", post("Policy", "permalink: /en/policy/\n"))
    write(tmp_path, "_posts/ja/2023-05-17-policy.md", post("ポリシー", "permalink: /ja/policy/\n"))
    write(tmp_path, "_posts/2021-02-01-this-month.md", post("February"))
    write(tmp_path, "_posts/2021-03-01-this-month.md", post("March"))

    report = importer.import_paths([tmp_path], workers=0)

    assert report.counts["created"] == 4, [item.line() for item in report.outcomes]
    assert set(Post.objects.values_list("slug", flat=True)) == {
        "policy",
        "policy-ja",
        "this-month",
        "this-month-2021-03-01",
    }
    for old, slug in [("/ja/policy/", "policy-ja"), ("/2021/03/01/this-month.html", "this-month-2021-03-01")]:
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, f"/posts/{slug}/")


def test_reimporting_matches_by_old_url_even_after_the_slug_was_edited(tmp_path):
    write(tmp_path, "_posts/2021-02-01-this-month.md", post("February"))
    write(tmp_path, "_posts/2021-03-01-this-month.md", post("March"))
    importer.import_paths([tmp_path], workers=0)
    Post.objects.filter(slug="this-month-2021-03-01").update(slug="march-renamed")

    again = importer.import_paths([tmp_path], workers=0)

    assert again.counts["unchanged"] == 2, [item.line() for item in again.outcomes]
    assert Post.objects.count() == 2
    assert Post.objects.get(slug="march-renamed").title == "March"


def test_two_files_with_one_jekyll_url_keep_the_first_and_name_it(tmp_path):
    first = write(tmp_path, "_posts/2023-01-01-one.md", post("One", "permalink: /same/\n"))
    write(tmp_path, "_posts/2023-01-02-two.md", post("Two", "permalink: /same/\n"))

    report = importer.import_paths([tmp_path], workers=0)
    again = importer.import_paths([tmp_path], workers=0)

    failed = report.failed[0]
    assert failed.name.endswith("2023-01-02-two.md") and str(first) in failed.reason
    assert [item.outcome for item in again.outcomes] == ["unchanged", "failed"]
    assert Post.objects.get().title == "One"


def test_old_urls_under_prefixes_this_site_uses_redirect_too(tmp_path, client):
    write(tmp_path, "_config.yml", "permalink: /:categories/:title/\nbaseurl: /blog\n")
    write(tmp_path, "_posts/2020-01-01-calm.md", post("Calm", "categories: [tags]\n"))
    write(tmp_path, "_posts/2020-01-02-light.md", post("Light", "permalink: /posts/old-light/\n"))
    write(tmp_path, "_posts/2020-01-03-rest.md", post("Rest", "permalink: /media/2020/rest.html\n"))
    importer.import_paths([tmp_path], workers=0)

    for old, slug in [
        ("/tags/calm/", "calm"),
        ("/blog/tags/calm/", "calm"),
        ("/tags/calm/index.html", "calm"),
        ("/posts/old-light/", "light"),
        ("/media/2020/rest.html", "rest"),
        ("/media/2020/rest", "rest"),
        ("/blog/media/2020/rest.html", "rest"),
    ]:
        response = client.get(old)
        assert (response.status_code, response.get("Location")) == (301, f"/posts/{slug}/"), old
    assert client.get("/tags/nothing-here/").status_code == 404
    assert client.post("/tags/calm/").status_code in (404, 405)
    assert OldUrl.objects.count() == 6


def test_an_old_url_of_a_draft_stays_a_404(tmp_path, client):
    write(tmp_path, "_posts/2020-01-01-calm.md", post("Calm"))
    importer.import_paths([tmp_path], workers=0)
    Post.objects.update(status=Post.Status.DRAFT)
    assert client.get("/2020/01/01/calm.html").status_code == 404


def test_the_import_report_states_the_settings_it_used(tmp_path):
    write(tmp_path, "_config.yml", "permalink: pretty\ntimezone: Europe/Paris\nbaseurl: /b/\nfuture: true\n")
    write(tmp_path, "_config.prod.yml", "permalink: /:year/:title/\n")
    write(tmp_path, "_posts/2020-01-01-calm.md", post("Calm"))

    report = importer.import_paths(
        [tmp_path], workers=0, config_files=[tmp_path / "_config.yml", tmp_path / "_config.prod.yml"]
    )

    line = report.settings_lines()[0]
    assert "_config.prod.yml" in line and "permalink /:year/:title/" in line
    assert "timezone Europe/Paris" in line and "baseurl /b" in line and "future true" in line
    assert "set TIME_ZONE=Europe/Paris to show the days the old site showed" in line
    assert Post.objects.get().legacy_url == "/2020/calm/"

    out = io.StringIO()
    call_command(
        "import_jekyll", str(tmp_path), "--config", f"{tmp_path}/_config.yml,{tmp_path}/_config.prod.yml", stdout=out
    )
    assert "unchanged 1" in out.getvalue() and "permalink /:year/:title/" in out.getvalue()


def test_a_link_out_of_the_folder_is_not_followed(tmp_path):
    secret = write(tmp_path / "elsewhere", "secret.md", post("Secret"))
    site = tmp_path / "site"
    write(site, "_posts/2020-01-01-inside.md", post("Inside"))
    os.symlink(secret, site / "_posts" / "2020-01-02-link.md")
    os.symlink(site / "_posts" / "2020-01-01-inside.md", site / "_posts" / "2020-01-03-link-inside.md")

    report = importer.import_paths([site], workers=0)

    outcome = {Path(item.name).name: item for item in report.outcomes}["2020-01-02-link.md"]
    assert outcome.outcome == "failed" and "outside the folder" in outcome.reason
    assert not Post.objects.filter(title="Secret").exists()


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    big = write(tmp_path, "_posts/2020-01-01-big.md", post("Big"))
    with big.open("ab") as file:
        file.truncate(MAX_FILE_BYTES + 1)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("the whole file was read"))

    report = importer.import_paths([tmp_path], workers=0)

    assert "the limit is" in report.failed[0].reason
