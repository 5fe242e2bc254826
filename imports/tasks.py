"""The import's background task (run by django-tasks-db's ``db_worker``, as the email tasks are)."""

from django.tasks import task

from imports import services


@task
def run_import(run_id: int) -> str:
    """Import a waiting run's upload; its status once done."""
    return services.perform(run_id=run_id)
