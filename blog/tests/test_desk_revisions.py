"""Revisions: autosave while writing, what is kept, comparing and restoring."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from blog.desk import revisions
from blog.models import Post, Revision
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def autosave_url(post) -> str:
    return reverse("admin:desk-autosave", args=[post.pk])


def test_autosave_keeps_the_text_once(editor_client):
    post = PostFactory(status=Post.Status.DRAFT, body="First line.")
    for _ in range(2):
        response = editor_client.post(autosave_url(post), {"title": post.title, "body": "First line.\n\nSecond."})
        assert response.status_code == 200
    assert post.revisions.filter(kind=Revision.Kind.AUTOSAVE).count() == 1
    post.refresh_from_db()
    assert post.body == "First line."  # autosave never changes the post itself


def test_autosave_needs_csrf_and_the_change_permission(editor, member):
    post = PostFactory()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    assert strict.post(autosave_url(post), {"title": "t", "body": "b"}).status_code == 403
    other = Client()
    other.force_login(member)
    assert other.post(autosave_url(post), {"title": "t", "body": "b"}).status_code == 302
    assert not Revision.objects.exists()


def test_autosave_of_a_missing_post_is_a_404(editor_client):
    assert (
        editor_client.post(reverse("admin:desk-autosave", args=[999]), {"title": "t", "body": "b"}).status_code == 404
    )


def test_the_last_fifty_are_kept_and_every_published_one(editor):
    post = PostFactory()
    start = timezone.now() - datetime.timedelta(days=1)
    with time_machine.travel(start, tick=False) as clock:
        revisions.record(post=post, kind=Revision.Kind.PUBLISHED)
        for n in range(60):
            clock.shift(datetime.timedelta(seconds=5))
            revisions.autosave(post=post, title=post.title, body=f"Version {n}", author=editor)
    kept = post.revisions.all()
    assert kept.filter(kind=Revision.Kind.AUTOSAVE).count() == 50
    assert kept.filter(kind=Revision.Kind.PUBLISHED).count() == 1
    assert kept.first().body == "Version 59"


def test_a_closed_tab_leaves_an_autosave_the_form_offers_back(editor_client):
    post = PostFactory(status=Post.Status.DRAFT, body="Saved text.")
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1)):
        editor_client.post(autosave_url(post), {"title": post.title, "body": "Saved text, and more written."})
    html = editor_client.get(reverse("admin:blog_post_change", args=[post.pk])).content.decode()
    revision = post.revisions.get()
    assert "is newer than the saved post" in html
    assert reverse("admin:blog_post_revision", args=[post.pk, revision.pk]) in html


def test_compare_and_restore(editor_client):
    post = PostFactory(body="One.\nTwo.\nThree.")
    old = revisions.record(post=post, kind=Revision.Kind.MANUAL)
    post.body = "One.\nTwo, changed.\nThree."
    post.save()
    listing = editor_client.get(reverse("admin:blog_post_revisions", args=[post.pk]))
    assert listing.status_code == 200 and "Compare with the current text" in listing.content.decode()
    compare = editor_client.get(reverse("admin:blog_post_revision", args=[post.pk, old.pk]))
    kinds = [(line.kind, line.text) for line in compare.context["lines"]]
    assert ("removed", "Two, changed.") in kinds and ("added", "Two.") in kinds
    restore_url = reverse("admin:blog_post_revision_restore", args=[post.pk, old.pk])
    assert editor_client.get(restore_url).status_code == 405
    assert editor_client.post(restore_url).status_code == 302
    post.refresh_from_db()
    assert post.body == "One.\nTwo.\nThree."
    assert post.revisions.filter(body="One.\nTwo, changed.\nThree.").exists()  # nothing lost by a click


def test_a_revision_of_another_post_is_a_404(editor_client):
    post, other = PostFactory(), PostFactory()
    revision = revisions.record(post=other, kind=Revision.Kind.MANUAL)
    assert editor_client.get(reverse("admin:blog_post_revision", args=[post.pk, revision.pk])).status_code == 404
    assert (
        editor_client.post(reverse("admin:blog_post_revision_restore", args=[post.pk, revision.pk])).status_code == 404
    )


def test_saving_in_the_form_keeps_a_revision(editor_client):
    from blog.tests.desk_helpers import post_form

    post = PostFactory()
    editor_client.post(reverse("admin:blog_post_change", args=[post.pk]), post_form(slug=post.slug, _save="Update"))
    # The post is public, so the version readers now see is kept as a published one.
    assert post.revisions.filter(kind=Revision.Kind.PUBLISHED, body="The light goes *gold* before it goes.").exists()


def test_the_first_autosave_of_a_new_post_makes_it_a_draft(editor_client):
    url = reverse("admin:desk-autosave-new")
    assert editor_client.post(url, {"title": "", "body": "  "}).json()["saved"] is False
    response = editor_client.post(url, {"title": "Half a thought", "body": "It began with tea."})
    assert response.status_code == 201
    post = Post.objects.get()
    assert post.state == "draft" and not post.is_public and post.body == "It began with tea."
    assert response.json()["change_url"] == reverse("admin:blog_post_change", args=[post.pk])
    assert post.revisions.count() == 1


def test_only_writers_start_drafts(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(email="s@example.org", password="pw", is_staff=True))
    assert client.post(reverse("admin:desk-autosave-new"), {"title": "t", "body": "b"}).status_code == 403
    assert not Post.objects.exists()
