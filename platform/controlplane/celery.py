"""The Celery app. Tasks run in the schema of the tenant that queued them.

tenant-schemas-celery stamps the current schema on every task message and the
worker switches to it before the task body runs, so a task queued on Acme's host
can only ever see Acme's schema.
"""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "controlplane.settings")

app = CeleryApp("controlplane")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
