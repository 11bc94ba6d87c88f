"""Server-side access checks of the centre's pages: every view is wrapped in one of these."""

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from accounts.permissions import is_authenticated, require_role
from urbangrid.errors import NotAllowed


def roles_required(*roles):
    """Let through only active users with one of the roles (a superuser always passes).

    Anonymous users go to the login page; others get a 403 with the reason.
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not is_authenticated(request.user):
                return redirect_to_login(request.get_full_path())
            try:
                require_role(request.user, *roles)
            except NotAllowed as exc:
                raise PermissionDenied(exc.message) from exc
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
