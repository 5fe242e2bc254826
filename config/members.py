"""Authentication that keeps the member between requests (see accounts.members for what keeps it true)."""

from django.contrib.auth.middleware import AuthenticationMiddleware
from django.utils.functional import SimpleLazyObject

from accounts.members import request_user


class KeptMemberMiddleware(AuthenticationMiddleware):
    """Django's ``AuthenticationMiddleware`` whose ``request.user`` is read from the cache when it can be.

    Still lazy: a page that never asks who is logged in reads nothing. ``request.auser`` stays Django's.
    """

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: request_user(request))
