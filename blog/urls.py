from django.urls import path

from blog import feeds, media, views

app_name = "blog"

urlpatterns = [
    path("", views.home, name="home"),
    path("posts/<str:slug>/", views.post_detail, name="post-detail"),
    path("tags/", views.tag_list, name="tag-list"),
    path("tags/<str:slug>/", views.tag_detail, name="tag-detail"),
    path("tags/<str:slug>/feed.xml", feeds.TagFeed(), name="tag-feed"),
    path("archive/", views.archive, name="archive"),
    path("search/", views.search, name="search"),
    path("about/", views.about, name="about"),
    path("privacy/", views.privacy, name="privacy"),
    path("feed.xml", feeds.LatestPostsFeed(), name="feed"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("media/<path:name>", media.media_file, name="media"),
]
