"""The site's URLs plus one view that fails, for tests of the 500 page and error logging."""

from django.urls import path

from config.urls import handler404, handler500
from config.urls import urlpatterns as site_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


class BoomError(RuntimeError):
    """A failure no real view should have."""


def boom(request):
    raise BoomError("the kettle boiled dry\nsecond line of the message")


urlpatterns = [path("boom/", boom, name="boom"), *site_urlpatterns]
