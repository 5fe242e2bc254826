"""Responses: members answering a piece, kindly and under moderation."""

from django.apps import AppConfig


class ResponsesConfig(AppConfig):
    name = "responses"
    verbose_name = "Responses"

    def ready(self):
        from blog.page_cache import add_page_params
        from responses.threads import PAGE_PARAMETER

        # The post page's threads come a page at a time (?responses=2): the page cache must key by it.
        add_page_params("blog:post-detail", PAGE_PARAMETER)
