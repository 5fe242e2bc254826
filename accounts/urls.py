"""Member URLs: the account page under /accounts/, and saving pieces beside the posts.

allauth's own pages (login, sign-up, password) are included under /accounts/ in ``config.urls``.
"""

from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/", views.account, name="account"),
    path("posts/<str:slug>/save/", views.save, name="save"),
    path("posts/<str:slug>/unsave/", views.unsave, name="unsave"),
    path("saved/", views.saved, name="saved"),
]
