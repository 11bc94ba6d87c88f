"""The Celery app. With CELERY_BROKER_URL unset, tasks run eagerly in-process (embedded default)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "urbangrid.settings")

app = Celery("urbangrid")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
