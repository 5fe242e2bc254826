"""Other apps' parts in a member's data: listed by dotted path in ``ACCOUNT_DATA_PROVIDERS``.

A provider has a ``name``, ``export(user)`` (JSON-ready data for "Download my data"),
``deletion_question(user)`` (a label and choices to ask before deleting the account, or None) and
``forget(user, answer)`` (called just before the account is deleted). accounts imports none of
those apps, so they may depend on accounts without a circle.
"""

from django.conf import settings
from django.utils.module_loading import import_string


def data_providers() -> list:
    return [import_string(path) for path in settings.ACCOUNT_DATA_PROVIDERS]
