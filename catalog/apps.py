from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("分类目录")

    def ready(self):
        from accounts.models import Department

        from .cache import catalog_changed
        from .models import Category, TimeLimit

        # Every process keeps a copy of the categories and time limits (catalog.cache).
        def changed(**kwargs):
            catalog_changed()

        for model in (Category, TimeLimit):
            name = model._meta.model_name
            post_save.connect(changed, sender=model, dispatch_uid=f"catalog.{name}.save")
            post_delete.connect(changed, sender=model, dispatch_uid=f"catalog.{name}.delete")
        # Deleting a department sets its categories' department to NULL without their signals.
        post_delete.connect(changed, sender=Department, dispatch_uid="catalog.department.delete")
