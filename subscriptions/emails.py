"""The emails themselves: confirmation, an essay, a weekly digest. Built here, sent by ``sending``.

An essay's email is rendered once per mailing with a placeholder where each subscriber's own link goes,
then filled in per subscriber: 10,000 copies cost one template render. No tracking of any kind: links
point straight at the site, there are no pixels and nothing is counted.
"""

import html
import re
from dataclasses import dataclass
from email.utils import formataddr, parseaddr
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from blog.models import Post
from blog.posts import site_url
from subscriptions import tokens
from subscriptions.mime import Body, PreparedEmail, Wire
from subscriptions.models import Mailing, Subscriber

_TOKEN_PLACEHOLDER = "SUBSCRIBER-TOKEN-PLACEHOLDER"
_EMAIL_PLACEHOLDER = "subscriber-address-placeholder@invalid"
_PLACEHOLDERS = (_TOKEN_PLACEHOLDER, _EMAIL_PLACEHOLDER)
_LINK_ATTRIBUTE = re.compile(r'\s(href|src|srcset)="([^"]*)"')


def from_address() -> str:
    """The site's name with the address of ``DEFAULT_FROM_EMAIL``."""
    return formataddr((settings.SITE_NAME, parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))


def absolute_links(body_html: str, base_url: str) -> str:
    """``body_html`` with every link and image made absolute against ``base_url`` (mail has no base URL).

    ``srcset`` (a stored picture's resized copies) is a list of "URL width" pairs: each URL is made absolute.
    """

    def absolute(url: str) -> str:
        return urljoin(base_url, url)

    def attribute(match: re.Match) -> str:
        name, value = match.group(1), html.unescape(match.group(2))
        if name == "srcset":
            candidates = (candidate.strip().split(maxsplit=1) for candidate in value.split(","))
            value = ", ".join(" ".join([absolute(parts[0]), *parts[1:]]) for parts in candidates if parts)
        else:
            value = absolute(value)
        return f' {name}="{html.escape(value)}"'

    return _LINK_ATTRIBUTE.sub(attribute, body_html)


def unsubscribe_url(token: str) -> str:
    return site_url(reverse("subscriptions:unsubscribe", kwargs={"token": token}))


def manage_url(token: str) -> str:
    return site_url(reverse("subscriptions:manage", kwargs={"token": token}))


def confirmation_message(email: str) -> EmailMultiAlternatives:
    token = tokens.confirm_token(email)
    context = {
        "SITE_NAME": settings.SITE_NAME,
        "confirm_url": site_url(reverse("subscriptions:confirm", kwargs={"token": token})),
        "subscribe_url": site_url(reverse("subscriptions:subscribe")),
        "login_code_url": site_url(reverse("account_request_login_code")),
    }
    return EmailMultiAlternatives(
        subject=f"Confirm your subscription to {settings.SITE_NAME}",
        body=render_to_string("subscriptions/email/confirm.txt", context),
        from_email=from_address(),
        to=[email],
    )


@dataclass(frozen=True)
class MailingContent:
    """One mailing's subject and bodies, with placeholders for each subscriber's address and links."""

    text: Body
    html: Body
    wire: Wire

    @classmethod
    def for_mailing(cls, mailing: Mailing) -> "MailingContent | None":
        """The content to send, or None when there is nothing to say (a digest week with no essays)."""
        context = {
            "SITE_NAME": settings.SITE_NAME,
            "SITE_URL": settings.SITE_URL,
            "email": _EMAIL_PLACEHOLDER,
            "unsubscribe_url": unsubscribe_url(_TOKEN_PLACEHOLDER),
            "manage_url": manage_url(_TOKEN_PLACEHOLDER),
        }
        if mailing.kind == Mailing.Kind.ESSAY:
            post = Post.objects.get(pk=mailing.post_id)
            url = site_url(post.get_absolute_url())
            context.update(post=post, post_url=url, body_html=absolute_links(post.body_html, url))
            template, subject = "essay", post.title
        else:
            posts = list(
                Post.objects.published()
                .filter(published_at__date__gte=mailing.period_start, published_at__date__lt=mailing.period_end)
                .defer("body", "body_html", "body_text")
                .order_by("published_at", "id")
            )
            if not posts:
                return None
            context.update(posts=[(post, site_url(post.get_absolute_url())) for post in posts], mailing=mailing)
            template, subject = "digest", f"This week on {settings.SITE_NAME}"
        host = urlsplit(settings.SITE_URL).hostname or "localhost"
        text = Body.split(render_to_string(f"subscriptions/email/{template}.txt", context), *_PLACEHOLDERS)
        html = Body.split(render_to_string(f"subscriptions/email/{template}.html", context), *_PLACEHOLDERS)
        headers = {
            # RFC 8058: with List-Unsubscribe (each subscriber's own), mail programs offer one-click leaving.
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"{settings.SITE_NAME} <{mailing.kind}s.{host}>",
        }
        wire = Wire(
            subject=subject,
            from_email=from_address(),
            headers=headers,
            domain=host,
            text_head=text.head_encoded,
            html_head=html.head_encoded,
        )
        return cls(text=text, html=html, wire=wire)

    def message_for(self, subscriber: Subscriber) -> EmailMultiAlternatives:
        token = tokens.subscriber_token(subscriber.pk)

        def fill(text: str, email: str) -> str:
            return text.replace(_TOKEN_PLACEHOLDER, token).replace(_EMAIL_PLACEHOLDER, email)

        text_tail = fill(self.text.tail, subscriber.email)
        html_tail = fill(self.html.tail, html.escape(subscriber.email))
        head_length = len(self.text.text) - len(self.text.tail)
        html_head_length = len(self.html.text) - len(self.html.tail)
        message = PreparedEmail(
            wire=self.wire,
            # RFC 2369: mail programs offer their own "Unsubscribe", which posts to this address.
            own_headers={"List-Unsubscribe": f"<{unsubscribe_url(token)}>"},
            text_tail=text_tail,
            html_tail=html_tail,
            subject=self.wire.subject,
            body=self.text.text[:head_length] + text_tail,
            from_email=self.wire.from_email,
            to=[subscriber.email],
        )
        message.attach_alternative(self.html.text[:html_head_length] + html_tail, "text/html")
        return message
