"""makemessages that also extracts the project's short gettext aliases.

centre/actions.py marks its labels with `L(...)` and evaluation/views.py with `_lazy(...)` (both
gettext_lazy); the phone app formats with `fmt("…%s", value)`, which translates its first argument.
Plain xgettext knows none of these names, so without this their strings would never reach a .po.
"""

from django.core.management.commands import makemessages

PYTHON_KEYWORDS = ["--keyword=L", "--keyword=_lazy"]
JAVASCRIPT_KEYWORDS = ["--keyword=fmt"]


class Command(makemessages.Command):
    base_xgettext_options = makemessages.Command.xgettext_options

    @property
    def xgettext_options(self):
        # self.domain is only known once handle() runs, hence a property rather than a list.
        extra = JAVASCRIPT_KEYWORDS if self.domain == "djangojs" else PYTHON_KEYWORDS
        return [*self.base_xgettext_options, *extra]

    @xgettext_options.setter
    def xgettext_options(self, options):  # handle() appends --add-location this way
        self.base_xgettext_options = [o for o in options if o not in PYTHON_KEYWORDS + JAVASCRIPT_KEYWORDS]
