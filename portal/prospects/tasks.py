from django_tasks import task

from .import_services import import_run


@task()
def run_prospect_import(import_id: int) -> str:
    return import_run(import_id=import_id)
