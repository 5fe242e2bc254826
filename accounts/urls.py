"""Member URLs: the account page under /accounts/, saving beside the posts, the saved list under /saved/.

allauth's own pages (login, sign-up, password, email) are included under /accounts/ in ``config.urls``;
these patterns come first and use paths allauth does not.
"""

from django.urls import path

from accounts import email_page, views

app_name = "accounts"

urlpatterns = [
    path("accounts/", views.account, name="account"),
    path("accounts/export/", views.export, name="export"),
    path("accounts/delete/", views.delete, name="delete"),
    # Before allauth's own pattern for the same path (config.urls includes this module first).
    path("accounts/email/", email_page.email, name="email"),
    path("posts/<str:slug>/save/", views.save, name="save"),
    path("posts/<str:slug>/unsave/", views.unsave, name="unsave"),
    path("saved/", views.saved, name="saved"),
    path("saved/<str:slug>/note/", views.note, name="note"),
    path("saved/item/<uuid:key>/note/", views.note_by_key, name="note-by-key"),
    path("saved/item/<uuid:key>/remove/", views.remove, name="remove"),
    path("saved/item/<uuid:key>/restore/", views.restore, name="restore"),
    path("saved/item/<uuid:key>/note/delete/", views.note_delete, name="note-delete"),
]
