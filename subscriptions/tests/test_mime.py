"""An essay's email built from its mailing's shared parts is the message Django itself would build."""

import email
import email.policy
import re

import pytest
from django.core.mail import EmailMultiAlternatives

from blog.tests.factories import PostFactory
from subscriptions.emails import MailingContent
from subscriptions.models import Mailing
from subscriptions.tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db

TITLE = "Slow mornings — “rest is part of the work”, and a title long enough to be folded over two lines"


def prepared(subscriber_email="reader@example.org", title=TITLE):
    post = PostFactory(title=title, body="Tea — *slowly*. See [the archive](/archive/).\n\n" + "Calm words. " * 400)
    content = MailingContent.for_mailing(Mailing.objects.create(post=post))
    return content.message_for(SubscriberFactory(email=subscriber_email))


def as_django_builds_it(message):
    """The same email through Django's own ``message()``: every header parsed, folded and encoded by it."""
    plain = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=message.from_email,
        to=message.to,
        headers=message.extra_headers,
    )
    plain.attach_alternative(*message.alternatives[0])
    return plain


def parse(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_the_shared_parts_give_the_message_django_builds():
    message = prepared()
    ours = message.message(policy=email.policy.SMTP).as_bytes()
    theirs = as_django_builds_it(message).message(policy=email.policy.SMTP).as_bytes()

    def headers(raw: bytes) -> list[bytes]:
        head = raw.partition(b"\r\n\r\n")[0]
        head = head.replace(re.search(rb'boundary="([^"]+)"', raw).group(1), b"BOUNDARY")
        head = re.sub(rb"\r\n(Date|Message-ID): [^\r]*", b"", head)
        # Django names headers in its own order, and folds its longer boundary: compare them unfolded.
        return sorted(head.replace(b"\r\n ", b" ").split(b"\r\n"))

    # The same headers, encoded the same way; the bodies (which Django may encode otherwise) read the same.
    assert headers(ours) == headers(theirs)
    assert parse(ours).get_body(("plain",)).get_content() == parse(theirs).get_body(("plain",)).get_content()
    assert parse(ours).get_body(("html",)).get_content() == parse(theirs).get_body(("html",)).get_content()
    # On the wire: CRLF only, every line within SMTP's limit, the long title folded and encoded.
    assert b"\n" not in ours.replace(b"\r\n", b"")
    assert max(len(line) for line in ours.split(b"\r\n")) <= 78
    assert parse(ours)["Subject"] == TITLE
    assert parse(ours)["List-Unsubscribe"] == message.extra_headers["List-Unsubscribe"]
    assert parse(ours)["Date"] and parse(ours)["Message-ID"]


def test_each_message_has_its_own_id_and_links():
    first, second = prepared(), prepared("other@example.org")
    first_raw, second_raw = (m.message(policy=email.policy.SMTP).as_bytes() for m in (first, second))
    assert parse(first_raw)["Message-ID"] != parse(second_raw)["Message-ID"]
    assert parse(first_raw)["To"] == "reader@example.org"
    assert parse(second_raw)["To"] == "other@example.org"
    assert first.extra_headers["List-Unsubscribe"] != second.extra_headers["List-Unsubscribe"]
    assert first.extra_headers["List-Unsubscribe"][1:-1] in parse(first_raw).get_body(("plain",)).get_content()


def test_a_policy_with_other_line_endings_gets_them_throughout():
    raw = prepared().message(policy=email.policy.default).as_bytes()
    assert b"\r" not in raw
    assert parse(raw).get_body(("html",)).get_content().startswith("<!doctype html>")


def test_an_international_address_is_left_to_django():
    message = prepared("reader@bücher.example")
    raw = message.message(policy=email.policy.SMTP).as_bytes()
    assert b"To: reader@xn--bcher-kva.example\r\n" in raw
    assert parse(raw).get_body(("plain",)).get_content() == message.body.replace("\n", "\r\n")


def test_a_line_break_in_a_title_cannot_add_a_header():
    raw = prepared(title="Tea\r\nBcc: someone@example.org").message(policy=email.policy.SMTP).as_bytes()
    assert b"\r\nBcc:" not in raw.partition(b"\r\n\r\n")[0]
    assert parse(raw)["Bcc"] is None
    assert parse(raw)["Subject"] == "Tea\r\nBcc: someone@example.org"
