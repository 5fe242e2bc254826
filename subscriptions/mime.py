"""An essay's email on the wire: everything every subscriber shares is encoded once per mailing.

Building each message with the standard library (header parsing and folding, a boundary searched for
in 40 KB of text, then the generator writing it line by line) cost several times more than sending it.
Here the shared headers are folded once, the bodies' shared parts are quoted-printable once, and a
subscriber's message is the shared text with their own few lines put in.
"""

import email.message
import email.policy
import email.utils
import quopri
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone


def quoted_printable(text: str) -> str:
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
    def split(cls, text: str, *placeholders: str) -> "Body":
        first = min(i for i in (text.find(p) for p in placeholders) if i >= 0)
        cut = text.rfind("\n", 0, first) + 1
        return cls(text=text, head_encoded=quoted_printable(text[:cut]), tail=text[cut:])


def _policy_key(policy) -> tuple:
    # Policies compare by identity; these are what change how headers and lines are written.
    return (policy.linesep, policy.max_line_length, policy.utf8, policy.cte_type)


@dataclass(frozen=True)
class Wire:
    """What every message of one mailing shares, ready to write: folded headers and encoded body parts."""

    subject: str
    from_email: str
    headers: dict[str, str]
    domain: str
    text_head: str
    html_head: str
    # "==" never appears in quoted-printable text (an "=" is always followed by two hex digits or a line
    # break), so such a boundary cannot occur in a part; short enough to keep Content-Type on one line.
    boundary: str = field(default_factory=lambda: f"====={secrets.token_hex(8)}==")
    _shared: dict = field(default_factory=dict, compare=False)

    def _shared_for(self, policy) -> tuple[list[tuple[str, str]], object, str, str]:
        key = _policy_key(policy)
        if key not in self._shared:
            nl = policy.linesep
            folded = []
            for name, value in [("Subject", self.subject), ("From", self.from_email), *self.headers.items()]:
                line = policy.header_factory(name, value).fold(policy=policy)
                folded.append((name, line[len(name) + 2 : -len(nl)]))

            def part(subtype: str, head: str) -> str:
                return (
                    f'--{self.boundary}\nContent-Type: text/{subtype}; charset="utf-8"\n'
                    f"Content-Transfer-Encoding: quoted-printable\n\n{head}"
                ).replace("\n", nl)

            # Parsed once: the generator asks for the content type twice per message, and parsing the
            # raw text each time cost more than writing the whole message.
            content_type = policy.header_factory("Content-Type", f'multipart/alternative; boundary="{self.boundary}"')
            self._shared[key] = (folded, content_type, part("plain", self.text_head), part("html", self.html_head))
        return self._shared[key]

    def message(self, *, policy, to: str, own_headers: dict[str, str], text_tail: str, html_tail: str):
        """One subscriber's message; None when their headers need the standard library's full treatment."""
        own = {"To": to, **own_headers}
        if not all(value.isascii() and "\r" not in value and "\n" not in value for value in own.values()):
            return None
        folded, content_type, text_part, html_part = self._shared_for(policy)
        nl = policy.linesep
        msg = email.message.EmailMessage(policy=policy)
        # Raw values are written as they are (long ones refolded by the generator); the shared ones were
        # folded above, each subscriber's are plain ASCII on one line.
        msg.set_raw("MIME-Version", "1.0")
        for name, value in folded[:2]:
            msg.set_raw(name, value)
        msg.set_raw("To", to)
        msg.set_raw("Date", _date())
        msg.set_raw("Message-ID", email.utils.make_msgid(domain=self.domain))
        for name, value in own_headers.items():
            msg.set_raw(name, value)
        for name, value in folded[2:]:
            msg.set_raw(name, value)
        msg.set_raw("Content-Type", content_type)
        # The body as its encoded MIME text: backends ask for the bytes, which the generator writes as is.
        msg.set_payload(
            text_part
            + quoted_printable(text_tail).replace("\n", nl)
            + nl
            + html_part
            + quoted_printable(html_tail).replace("\n", nl)
            + f"{nl}--{self.boundary}--{nl}"
        )
        return msg


def _date() -> str:
    zone = timezone.get_current_timezone() if settings.EMAIL_USE_LOCALTIME else UTC
    return email.utils.format_datetime(datetime.now(zone))


class PreparedEmail(EmailMultiAlternatives):
    """A mailing's email for one subscriber, whose MIME form comes from the mailing's shared ``Wire``.

    ``body`` and the HTML alternative hold the same content as plain text for backends that read them
    (the test outbox, django-anymail); Django's SMTP, console and file backends ask for ``message()``,
    which is where Django says to put one's own MIME content.
    """

    def __init__(self, *, wire: Wire, own_headers: dict[str, str], text_tail: str, html_tail: str, **kwargs):
        super().__init__(headers={**own_headers, **wire.headers}, **kwargs)
        self.wire, self.own_headers = wire, own_headers
        self.text_tail, self.html_tail = text_tail, html_tail

    def message(self, *, policy=email.policy.default):
        msg = self.wire.message(
            policy=policy,
            to=", ".join(self.to),
            own_headers=self.own_headers,
            text_tail=self.text_tail,
            html_tail=self.html_tail,
        )
        # An address beyond plain ASCII (an international domain, say): Django encodes it properly.
        return msg if msg is not None else super().message(policy=policy)
