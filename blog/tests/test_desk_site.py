"""The admin as the writer's room: its name, its sections, and what an editor may reach."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser(email="owner@example.org", password="pw"))
    return client


def section_names(response) -> list[str]:
    return [section["name"] for section in response.context["app_list"]]


def test_the_admin_carries_the_sites_name(superuser_client, settings):
    response = superuser_client.get(reverse("admin:index"))
    html = response.content.decode()
    assert f"<title>The writer's desk | {settings.SITE_NAME}</title>" in html.replace("&#x27;", "'")
    assert "Django administration" not in html


def test_writing_comes_first_and_technical_models_last_for_a_superuser(superuser_client):
    response = superuser_client.get(reverse("admin:index"))
    names = section_names(response)
    assert names[0] == "Writing" and names[-1] == "Site administration"
    assert names.index("Members") < names.index("Moderation") < names.index("Site administration")
    writing = [model["object_name"] for model in response.context["app_list"][0]["models"]]
    assert writing == ["Post", "Image", "Tag", "SiteSettings", "ImportRun"]
    members = {model["name"] for model in response.context["app_list"][names.index("Members")]["models"]}
    assert "Saved pieces" in members and "Favourites" not in members
    technical = {model["object_name"] for model in response.context["app_list"][-1]["models"]}
    assert {"Group", "EmailAddress", "AccessAttempt"} <= technical


def test_an_editor_sees_writing_and_moderation_only(editor_client):
    response = editor_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert section_names(response) == ["Writing", "Moderation"]


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:auth_group_changelist",
        "admin:accounts_user_changelist",
        "admin:axes_accessattempt_changelist",
        "admin:account_emailaddress_changelist",
        "admin:responses_responsesettings_changelist",
    ],
)
def test_an_editor_cannot_reach_superuser_only_models(editor_client, url_name):
    # Followed: a one-row model's list goes straight to its row, which is refused the same way.
    assert editor_client.get(reverse(url_name), follow=True).status_code == 403


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:blog_post_changelist",
        "admin:blog_post_add",
        "admin:blog_image_changelist",
        "admin:taggit_tag_changelist",
        "admin:responses_response_changelist",
        "admin:desk-insights",
    ],
)
def test_an_editor_reaches_writing_and_moderation(editor_client, url_name):
    assert editor_client.get(reverse(url_name)).status_code == 200


def test_the_editors_group_holds_only_writing_and_moderation_permissions():
    codenames = set(Group.objects.get(name="Editors").permissions.values_list("content_type__app_label", flat=True))
    # imports: uploading posts is writing (imports/migrations/0002)
    assert codenames == {"blog", "taggit", "responses", "imports"}
