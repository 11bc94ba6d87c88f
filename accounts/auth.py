"""API authentication: the browser session (with CSRF) or a bearer token."""

from datetime import timedelta

from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

LAST_USED_PRECISION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        from .models import ApiToken

        found = ApiToken.objects.select_related("user").filter(digest=ApiToken.hash(token)).first()
        if found is None or not found.user.is_active:
            return None
        now = timezone.now()
        # Once a minute is precise enough for "last used", and spares every request a write
        # (on SQLite each write takes the database's one write lock).
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


# The bearer token first: ninja's session auth refuses a POST without a CSRF cookie before
# any other method is tried, which would lock out every system that uses a token.
api_auth = [TokenAuth(), SessionAuth()]
