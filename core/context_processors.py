from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.access import may_open
from core.roles import ROLE_LABELS, primary_role

# The header navigation: shown to a user only where the access matrix lets them in.
NAVIGATION: tuple[tuple[str, Any], ...] = (
    ("membership:lookup", _("Counter")),
    ("servicedesk:desk_home", _("Desk")),
    ("plans:catalogue", _("Plans")),
    ("membership:manager_workspace", _("Accounts")),
    ("membership:upgrade_inbox", _("Approvals")),
    ("membership:kpi_report", _("KPI")),
    ("core:supervisor_home", _("Supervision")),
    ("api:api-root", _("API")),
    ("admin:index", _("Admin")),
)


def staff_role(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = primary_role(user)
    current = request.resolver_match.view_name if request.resolver_match else ""
    nav = [
        {"url": reverse(name), "label": label, "active": current == name}
        for name, label in NAVIGATION
        if may_open(user, name)
    ]
    return {
        # Chinese order: family name first, no space.
        "staff_name": f"{user.last_name}{user.first_name}" or user.get_username(),
        "staff_role": role,
        "staff_role_label": ROLE_LABELS.get(role, "") if role else "",
        "staff_nav": nav,
    }
