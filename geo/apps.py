from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class GeoConfig(AppConfig):
    name = "geo"

    def ready(self):
        from .models import Community, Street
        from .spatial import grids_changed

        # Every process's point index carries the street and community names (a report's address
        # needs no query): a saved or deleted street or community is a change of the grids. New
        # rows are skipped, as no grid names them yet (imports call grids_changed() at the end).
        # QuerySet.update() and bulk_update() send no signals: callers call grids_changed().
        def names_changed(created=False, raw=False, **kwargs):
            if not created and not raw:
                grids_changed()

        for model in (Street, Community):
            name = model._meta.model_name
            post_save.connect(names_changed, sender=model, dispatch_uid=f"geo.{name}.save")
            post_delete.connect(names_changed, sender=model, dispatch_uid=f"geo.{name}.delete")
