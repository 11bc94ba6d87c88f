"""UrbanGrid: city grid management (城市网格化管理) on Django."""

from .celery import app as celery_app

__all__ = ("celery_app",)
