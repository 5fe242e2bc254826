"""The emails themselves: confirmation, an essay, a weekly digest. Built here, sent by ``sending``.

An essay's email is rendered once per mailing with a placeholder where each subscriber's own link goes,
then filled in per subscriber: 10,000 copies cost one template render. No tracking of any kind: links
point straight at the site, there are no pixels and nothing is counted.
"""

import email.message
import email.policy
import html
import quopri
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
from subscriptions.models import Mailing, Subscriber

_TOKEN_PLACEHOLDER = "SUBSCRIBER-TOKEN-PLACEHOLDER"
_EMAIL_PLACEHOLDER = "subscriber-address-placeholder@invalid"
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


def _quoted_printable(text: str) -> str:
    return quopri.encodestring(text.encode("utf-8")).decode("ascii")


@dataclass(frozen=True)
class Body:
    """A rendered body split where the subscriber's own part begins, the shared part already encoded.

    Quoted-printable works line by line, so a shared part ending at a line break encodes the same alone
    as in the whole: it is encoded once per mailing, and only the few lines of each footer per message.
    """

    text: str
    head_encoded: str
    tail: str

    @classmethod
    def split(cls, text: str) -> "Body":
        first = min(i for i in (text.find(_TOKEN_PLACEHOLDER), text.find(_EMAIL_PLACEHOLDER)) if i >= 0)
        cut = text.rfind("\n", 0, first) + 1
        return cls(text=text, head_encoded=_quoted_printable(text[:cut]), tail=text[cut:])


class PreparedEmail(EmailMultiAlternatives):
    """An email whose text and HTML bodies come pre-encoded (``encoded``: subtype and quoted-printable text).

    ``body`` and the HTML alternative hold the same content as plain text for backends that read them
    (the test outbox, django-anymail); Django's SMTP backend asks for ``message()``, which is where Django
    says to put one's own MIME content, and gets the pre-encoded parts without encoding 40 KB again.
    """

    def __init__(self, *, encoded: list[tuple[str, str]], **kwargs):
        super().__init__(**kwargs)
        self.encoded = encoded

    def message(self, *, policy=email.policy.default):
        body, alternatives = self.body, self.alternatives
        # Django's own headers (Date, Message-ID, address handling), over an empty body built cheaply.
        self.body, self.alternatives = "", []
        try:
            msg = super().message(policy=policy)
        finally:
            self.body, self.alternatives = body, alternatives
        msg.clear_content()
        msg.make_alternative()
        for subtype, payload in self.encoded:
            part = email.message.MIMEPart(policy=policy)
            part["Content-Type"] = f'text/{subtype}; charset="utf-8"'
            part["Content-Transfer-Encoding"] = "quoted-printable"
            part.set_payload(payload)
            msg.attach(part)
        return msg


@dataclass(frozen=True)
class MailingContent:
    """One mailing's subject and bodies, with placeholders for each subscriber's address and links."""

    subject: str
    text: Body
    html: Body
    list_id: str

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
        return cls(
            subject=subject,
            text=Body.split(render_to_string(f"subscriptions/email/{template}.txt", context)),
            html=Body.split(render_to_string(f"subscriptions/email/{template}.html", context)),
            list_id=f"{settings.SITE_NAME} <{mailing.kind}s.{host}>",
        )

    def message_for(self, subscriber: Subscriber) -> EmailMultiAlternatives:
        token = tokens.subscriber_token(subscriber.pk)

        def fill(text: str, email: str) -> str:
            return text.replace(_TOKEN_PLACEHOLDER, token).replace(_EMAIL_PLACEHOLDER, email)

        text_tail = fill(self.text.tail, subscriber.email)
        html_tail = fill(self.html.tail, html.escape(subscriber.email))
        head_length = len(self.text.text) - len(self.text.tail)
        html_head_length = len(self.html.text) - len(self.html.tail)
        message = PreparedEmail(
            encoded=[
                ("plain", self.text.head_encoded + _quoted_printable(text_tail)),
                ("html", self.html.head_encoded + _quoted_printable(html_tail)),
            ],
            subject=self.subject,
            body=self.text.text[:head_length] + text_tail,
            from_email=from_address(),
            to=[subscriber.email],
            headers={
                # RFC 2369 and RFC 8058: mail programs offer their own one-click "Unsubscribe".
                "List-Unsubscribe": f"<{unsubscribe_url(token)}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "List-Id": self.list_id,
            },
        )
        message.attach_alternative(self.html.text[:html_head_length] + html_tail, "text/html")
        return message
