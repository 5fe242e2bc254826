"""'Export the site' from the admin: a zip of Jekyll files and pictures, for staff only."""

import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from blog.models import Post
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def test_staff_download_every_post_as_jekyll_files(editor_client):
    PostFactory(title="Tea at four", slug="tea-at-four", tags=["Rest"])
    PostFactory(title="Unfinished", slug="unfinished", status=Post.Status.DRAFT)
    response = editor_client.post(reverse("jekyll-export"))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"] or "no-cache" in response.headers["Cache-Control"]
    bundle = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = bundle.namelist()
    assert any(name.startswith("_posts/") and name.endswith("-tea-at-four.md") for name in names)
    draft = next(name for name in names if name.endswith("-unfinished.md"))
    assert "published: false" in bundle.read(draft).decode()


def test_members_and_visitors_get_no_export(client, member):
    assert client.post(reverse("jekyll-export")).status_code == 302
    client.force_login(member)
    assert client.post(reverse("jekyll-export")).status_code == 302


def test_only_post_and_with_the_csrf_token(editor, editor_client):
    assert editor_client.get(reverse("jekyll-export")).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    assert strict.post(reverse("jekyll-export")).status_code == 403
