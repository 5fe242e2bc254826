"""The response form's fields are drawn once per process while empty, and exactly as Django draws them."""

import uuid
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string

from responses.forms import EditForm, ResponseForm
from responses.templatetags.responses_tags import edit_box, response_field


@pytest.mark.parametrize("needs_name", [True, False])
def test_an_empty_forms_fields_are_drawn_as_django_draws_them(needs_name):
    form = ResponseForm(initial={"key": uuid.uuid4(), "parent": None}, needs_name=needs_name)
    for name in form.fields:
        if name in ("key", "parent"):
            continue
        assert response_field(form, name) == form[name].as_field_group()


def test_a_form_sent_back_shows_its_words_and_errors():
    form = ResponseForm({"body": "", "key": str(uuid.uuid4())}, needs_name=True)
    assert not form.is_valid()
    drawn = response_field(form, "display_name")
    assert drawn == form["display_name"].as_field_group()
    assert "This field is required" in drawn
    kept = ResponseForm({"body": "My <own> words", "key": str(uuid.uuid4())})
    assert "My &lt;own&gt; words" in response_field(kept, "body")


@pytest.mark.parametrize(
    "form",
    [
        ResponseForm(initial={"key": uuid.UUID(int=1), "parent": None}),
        ResponseForm(initial={"key": uuid.UUID(int=2), "parent": 12}),
        ResponseForm({"key": 'abc"<', "parent": "x", "body": "hi"}),
        ResponseForm({"body": "hi"}),
        ResponseForm({"key": "", "parent": "0", "body": "hi"}),
    ],
)
def test_form_html_writes_the_hidden_fields_as_their_widgets_would(form):
    """form.html writes ``parent`` and ``key`` itself (two widget renders were a tenth of a member's post page)."""
    post = SimpleNamespace(slug="a-piece", get_absolute_url=lambda: "/posts/a-piece/")
    html = render_to_string("responses/form.html", {"form": form, "post": post})
    assert str(form["parent"]) + str(form["key"]) in html


def test_the_in_place_edit_box_is_drawn_as_django_draws_it():
    form = EditForm(auto_id="edit-%s")
    assert edit_box(form) == str(form["body"]) and 'id="edit-body"' in edit_box(form)
    sent = EditForm({"body": "My <own> words"}, auto_id="edit-%s")
    assert "My &lt;own&gt; words" in edit_box(sent)
