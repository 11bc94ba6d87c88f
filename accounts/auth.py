"""API authentication: the browser session (with CSRF) or a bearer token."""

from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        from .models import ApiToken

        found = ApiToken.objects.select_related("user").filter(digest=ApiToken.hash(token)).first()
        if found is None or not found.user.is_active:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


# The bearer token first: ninja's session auth refuses a POST without a CSRF cookie before
# any other method is tried, which would lock out every system that uses a token.
api_auth = [TokenAuth(), SessionAuth()]
