from django.urls import path

from responses import views

app_name = "responses"

urlpatterns = [
    path("posts/<str:slug>/responses/", views.respond, name="respond"),
    path("responses/<int:pk>/", views.permalink, name="permalink"),
    path("responses/<int:pk>/edit/", views.edit, name="edit"),
    path("responses/<int:pk>/delete/", views.delete, name="delete"),
    path("responses/<int:pk>/report/", views.report, name="report"),
    path("responses/support/", views.support, name="support"),
    path("responses/display-name/", views.display_name, name="display-name"),
    path("responses/notices/", views.notices_choice, name="notices"),
    path("responses/stop/<str:token>/", views.stop, name="stop"),
]
