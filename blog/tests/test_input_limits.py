"""Input size caps: over-long input to sign-up, log-in and search is a form answer, never a crash
(notes: accounts/tests/test_note_limits.py),
and requests past the size limits are a 400.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "data",
    [
        {
            "email": "a" * 5000 + "@example.org",
            "password1": "a long password here",
            "password2": "a long password here",
        },
        {"email": "new@example.org", "password1": "p" * 100_000, "password2": "p" * 100_000},
        {"email": "x" * 250 + "@example.org", "password1": "a long password here", "password2": "a long password here"},
    ],
)
def test_sign_up_answers_over_long_input_with_a_form_error(client, data):
    response = client.post("/accounts/signup/", data)
    assert response.status_code == 200
    assert b"at most" in response.content or b"characters" in response.content
    assert not get_user_model().objects.exists()


def test_sign_up_fields_say_their_limits_in_the_page(client):
    page = client.get("/accounts/signup/").content.decode()
    assert 'maxlength="254"' in page
    assert 'maxlength="256"' in page


@pytest.mark.parametrize("login", ["a" * 5000 + "@example.org", "ann@example.org"])  # the member's own
def test_log_in_answers_over_long_input_with_a_form_error(client, member, login):
    response = client.post("/accounts/login/", {"login": login, "password": "p" * 100_000})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_an_over_long_search_is_cut_to_its_cap_not_a_crash(client, post):
    response = client.get("/search/", {"q": "tea " * 2560})
    assert response.status_code == 200
    assert response.context["query"] == ("tea " * 50)[:200].strip()
    html = response.content.decode()
    assert 'maxlength="200"' in html
    assert "only the first 200 were used" in html and 'aria-invalid="true"' in html
    assert "only the first" not in client.get("/search/", {"q": "tea"}).content.decode()


@pytest.mark.usefixtures("saved_post")  # a note to post to
def test_a_request_body_past_the_size_limit_is_a_bad_request(member_client, post):
    response = member_client.post(
        f"/saved/{post.slug}/note/",
        "note=hi&padding=" + "n" * (4 * 1024 * 1024),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400


@pytest.mark.usefixtures("saved_post")  # a note to post to
def test_too_many_fields_is_a_bad_request(member_client, post):
    # A valid note plus 500 stray fields: only the field limit can refuse it.
    fields = "note=hi&" + "&".join(f"f{n}=x" for n in range(500))
    response = member_client.post(f"/saved/{post.slug}/note/", fields, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


@pytest.mark.usefixtures("saved_post")  # a note to post to
def test_a_file_upload_is_a_bad_request(member_client, post):
    upload = SimpleUploadedFile("note.txt", b"hello")
    response = member_client.post(f"/saved/{post.slug}/note/", {"note": "hi", "attachment": upload})
    assert response.status_code == 400


def test_an_oversized_body_is_refused_before_it_is_read(client, post):
    response = client.post(
        "/accounts/login/", data=b"x", content_type="text/plain", CONTENT_LENGTH=str(50 * 1024 * 1024)
    )
    assert response.status_code == 413


def test_files_are_refused_outside_the_admin_even_anonymously(client):
    upload = SimpleUploadedFile("big.bin", b"\0" * 1024)
    assert client.post("/accounts/login/", {"login": "a@example.org", "file": upload}).status_code == 400
