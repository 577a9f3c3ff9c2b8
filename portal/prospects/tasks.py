from django_tasks import task

from .importing import import_run


@task()
def run_prospect_import(import_id: int) -> str:
    return import_run(import_id=import_id)
