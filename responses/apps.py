"""Responses: members answering a piece, kindly and under moderation."""

from django.apps import AppConfig


class ResponsesConfig(AppConfig):
    name = "responses"
    verbose_name = "Responses"
