"""Print one demo login per role (the demo password is the same for everyone)."""

from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD
from accounts.models import Role, User


class Command(BaseCommand):
    help = "Print one demo login per role."

    def handle(self, *args, **options):
        found = False
        for role in Role:
            # Professional departments sort before street offices: dept_cgj (城管局) is the handler shown.
            user = (
                User.objects.filter(role=role, is_active=True)
                .order_by("department__kind", "username")
                .first()
            )
            if user is None:
                continue
            found = True
            where = f" · {user.department.name}" if user.department_id else ""
            self.stdout.write(
                f"{role.label:<10} {user.username:<16} {DEMO_PASSWORD}   {user.full_name}{where}"
            )
        if not found:
            self.stdout.write("no demo users: run `manage.py load_demo` first")
