"""The Celery application.

Serialisation is JSON only; every task has a time limit (settings); late acknowledgement
is opted into per task, only where the task is safe to run twice. Beat reads its schedule
from the database (django-celery-beat) so a supervisor can see and change it in the admin.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("gotone")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
