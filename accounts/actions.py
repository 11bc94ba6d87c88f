"""Changes to accounts that need a permission check: issuing and revoking API tokens.

Views, the API and the admin call these; nothing else creates or deletes an ApiToken.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from urbangrid.errors import DomainError, NotFound

from .models import ApiToken, Role, User
from .permissions import require_role


def issue_token(actor, user: User, name: str) -> tuple[ApiToken, str]:
    """An administrator issues a token for `user`; the raw token is returned once and never stored."""
    require_role(actor, Role.ADMIN)
    name = (name or "").strip()
    if not name:
        raise DomainError(_("请填写令牌名称。"))
    if not user.is_active:
        raise DomainError(_("不能为已停用的用户签发令牌。"))
    with transaction.atomic():
        return ApiToken.issue(user, name[:100])


def revoke_token(actor, token_id: int) -> None:
    require_role(actor, Role.ADMIN)
    deleted, _count = ApiToken.objects.filter(pk=token_id).delete()
    if not deleted:
        raise NotFound(_("令牌不存在。"))
