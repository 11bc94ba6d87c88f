from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CasesConfig(AppConfig):
    name = "cases"

    def ready(self):
        from .deadlines import calendar_changed
        from .models import CalendarDay

        def forget_calendar(**kwargs):
            calendar_changed()

        post_save.connect(forget_calendar, sender=CalendarDay, dispatch_uid="cases.calendar.save")
        post_delete.connect(forget_calendar, sender=CalendarDay, dispatch_uid="cases.calendar.delete")
