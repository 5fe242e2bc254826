import pytest

from subscriptions.tests.smtp import SMTPServer


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 that every mailer of the site sends to, for this test."""
    with SMTPServer() as server:
        settings.MAILERS = {"default": server.mailer}
        yield server
