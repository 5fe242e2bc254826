"""The desk's staff endpoints, mounted inside the admin site (so each is wrapped by ``admin_view``)."""

from django.urls import path


def patterns(site) -> list:
    from blog.desk import insights, views

    def staff(view):
        return site.admin_view(view)

    return [
        path("desk/preview/", staff(views.preview), name="desk-preview"),
        path("desk/page-preview/", staff(views.page_preview), name="desk-page-preview"),
        path("desk/images/", staff(views.image_upload), name="desk-image-upload"),
        path("desk/images/recent/", staff(views.image_list), name="desk-image-list"),
        path("desk/posts/autosave/", staff(views.autosave_new), name="desk-autosave-new"),
        path("desk/posts/<int:pk>/autosave/", staff(views.autosave), name="desk-autosave"),
        path("desk/tags/suggest/", staff(views.tag_suggest), name="desk-tag-suggest"),
        path("desk/insights/", staff(insights.insights), name="desk-insights"),
    ]
