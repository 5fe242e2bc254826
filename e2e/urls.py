"""The site's URL map plus one page that always fails, so the browser tests can see the 500 page."""

from django.urls import path

from config.urls import handler404, handler500
from config.urls import urlpatterns as site_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


def fail(request):
    raise RuntimeError("A deliberate failure for the 500 page's browser test.")


urlpatterns = [path("e2e/fail/", fail, name="e2e-fail"), *site_urlpatterns]
