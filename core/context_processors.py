from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from core.access import may_open
from core.manifests import navigation
from core.roles import ROLE_LABELS, primary_role, staff_name


def staff_role(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = primary_role(user)
    current = request.resolver_match.view_name if request.resolver_match else ""
    nav = [
        {"url": reverse(item.url_name), "label": item.label, "active": current == item.url_name}
        for item in navigation()  # each app declares its items in its manifest.py
        if may_open(user, item.url_name)
    ]
    return {
        "staff_name": staff_name(user),
        "staff_role": role,
        "staff_role_label": ROLE_LABELS.get(role, "") if role else "",
        "staff_nav": nav,
    }
