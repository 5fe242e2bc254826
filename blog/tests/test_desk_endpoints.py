"""The editor's staff endpoints: who may call them, CSRF, caps, limits, and what they answer."""

import pytest
from django.test import Client
from django.urls import reverse

from blog.desk import views
from blog.models import Image, Post
from blog.tests.desk_helpers import picture
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db

BODY = (
    "## A heading\n\nSome *kind* words and a [link](/posts/nowhere-at-all/).\n\n"
    "#### Too deep\n\n{% include note.html %}\n\n![](https://example.org/x.png)\n\n"
    "<script>alert(1)</script>\n"
)


@pytest.mark.parametrize(
    ("url", "method"),
    [
        (reverse("admin:desk-preview"), "post"),
        (reverse("admin:desk-page-preview"), "post"),
        (reverse("admin:desk-image-upload"), "post"),
        (reverse("admin:desk-image-list"), "get"),
        (reverse("admin:desk-tag-suggest"), "get"),
        (reverse("admin:desk-insights"), "get"),
    ],
)
def test_anonymous_visitors_and_members_are_sent_to_the_login(client, member, url, method):
    assert getattr(client, method)(url, {"body": "x"}).status_code == 302
    client.force_login(member)
    response = getattr(client, method)(url, {"body": "x"})
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_staff_without_the_writing_permission_are_refused(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(email="s@example.org", password="pw", is_staff=True))
    assert client.post(reverse("admin:desk-preview"), {"body": "x"}).status_code == 403
    assert client.post(reverse("admin:desk-image-upload")).status_code == 403


def test_the_preview_needs_the_csrf_token(editor):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    assert strict.post(reverse("admin:desk-preview"), {"body": "x"}).status_code == 403


def test_only_post_renders_a_preview(editor_client):
    assert editor_client.get(reverse("admin:desk-preview")).status_code == 405


def test_the_preview_is_what_the_page_shows(editor_client, client):
    body = (
        "Gentle *words*.\n\n> Rest.\n\n<p onclick='x()'>Hi</p><script>alert(1)</script>\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |"
    )
    answer = editor_client.post(reverse("admin:desk-preview"), {"body": body}).json()
    post = PostFactory(body=body)
    assert answer["html"] == post.body_html
    assert "<script" not in answer["html"] and "onclick" not in answer["html"]
    assert answer["html"] in client.get(post.get_absolute_url()).content.decode()
    assert answer["minutes"] == post.reading_minutes


def test_the_preview_warns_gently(editor_client):
    answer = editor_client.post(reverse("admin:desk-preview"), {"body": BODY}).json()
    text = " ".join(answer["warnings"])
    assert "Liquid left in the text: {% include note.html %}" in text
    assert "/posts/nowhere-at-all/" in text
    assert "level-4 heading follows a level-2" in text
    assert answer["words"] > 5


def test_no_warnings_for_a_clean_text(editor_client):
    post = PostFactory(slug="real-one")
    body = f"## One\n\n### Two\n\nSee [this]({post.get_absolute_url()}). `{{% raw %}}` in code is fine."
    assert editor_client.post(reverse("admin:desk-preview"), {"body": body}).json()["warnings"] == []


def test_an_oversized_body_is_refused(editor_client):
    response = editor_client.post(reverse("admin:desk-preview"), {"body": "x" * (views.MAX_BODY_CHARS + 1)})
    assert response.status_code == 413 and "characters" in response.json()["error"]


def test_previews_are_rate_limited(editor_client, monkeypatch):
    monkeypatch.setattr(views, "PREVIEWS_PER_MINUTE", 2)
    codes = [editor_client.post(reverse("admin:desk-preview"), {"body": "x"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_the_page_preview_is_the_readers_page_never_cached_nor_indexed(editor_client):
    response = editor_client.post(
        reverse("admin:desk-page-preview"),
        {"title": "Unsaved yet", "body": "Soft *light*.", "back": "/admin/blog/post/add/"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"] and "private" in response.headers["Cache-Control"]
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "<em>light</em>" in html and "Unsaved yet" in html
    assert 'href="/admin/blog/post/add/">Back to editing' in html
    assert "save-button" not in html and "Save</button>" not in html
    assert not Post.objects.exists()


def test_the_back_link_stays_on_this_site(editor_client):
    html = editor_client.post(
        reverse("admin:desk-page-preview"), {"title": "t", "body": "b", "back": "//evil.example/"}
    ).content.decode()
    assert "evil.example" not in html


def test_uploading_a_picture_answers_its_markdown(editor_client, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("sea.png", picture(), content_type="image/png")
    response = editor_client.post(reverse("admin:desk-image-upload"), {"file": upload, "alt": "The sea at dawn"})
    assert response.status_code == 201
    image = Image.objects.get()
    assert response.json()["path"] == image.path and image.alt_text == "The sea at dawn"
    listed = editor_client.get(reverse("admin:desk-image-list"), {"q": "sea"}).json()["images"]
    assert [item["path"] for item in listed] == [image.path]


def test_a_file_that_is_not_a_picture_is_refused_with_the_reason(editor_client, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("shell.png", b"<?php echo 1; ?>", content_type="image/png")
    response = editor_client.post(reverse("admin:desk-image-upload"), {"file": upload})
    assert response.status_code == 400
    assert response.json()["error"].startswith("This file cannot be used: the file is not an image")
    assert not Image.objects.exists()


def test_tag_suggestions_ignore_case(editor_client):
    PostFactory(tags=["Evening Rituals", "Morning"])
    answer = editor_client.get(reverse("admin:desk-tag-suggest"), {"q": "evening rituals"}).json()
    assert answer["tags"] == ["Evening Rituals"]
    assert editor_client.get(reverse("admin:desk-tag-suggest"), {"q": "  "}).json()["tags"] == []
