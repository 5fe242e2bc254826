"""Helpers for the responses tests: members with display names and responses in any state."""

import itertools
import uuid

from django.contrib.auth import get_user_model

from responses.markdown import clean_text, render
from responses.models import Responder, Response

_numbers = itertools.count()


def make_member(name: str = "Ann", **extra):
    user = get_user_model().objects.create_user(
        email=f"member{next(_numbers)}@example.org", password="a long password here", **extra
    )
    if name:
        Responder.objects.create(user=user, display_name=name)
    return user


def make_response(*, post, author, body: str = "Thank you for this.", status=Response.Status.PUBLISHED, **extra):
    # As the service stores it: cleaned text, rendered once.
    body = clean_text(body)
    return Response.objects.create(post=post, author=author, body=body, body_html=render(body), status=status, **extra)


def form_data(body: str = "Thank you for writing this.", **extra) -> dict:
    return {"body": body, "key": str(uuid.uuid4()), **extra}


def respond_url(post) -> str:
    return f"/posts/{post.slug}/responses/"
