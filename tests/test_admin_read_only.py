"""The models written only by services are read-only in the admin (core.admin.ReadOnlyAdmin):
a superuser may look, never add, change or delete."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import RequestFactory

from core.admin import ReadOnlyAdmin

SERVICE_WRITTEN = {
    "core.JobRun",
    "membership.Bill",  # D-VALID-2: written by the billing feed's import only
    "membership.LevelGrant",
    "membership.RatingRun",
    "membership.ImportRun",
    "membership.IdentityCheck",  # CUST-10: the audit of identity checks, written by the check
    "plans.Subscription",
    "points.Redemption",
    "points.PointsRun",
    "servicedesk.ServiceRequest",
    "servicedesk.Ticket",
    "servicedesk.UsageCounter",
    "servicedesk.BirthdayWaiver",
    "servicedesk.HotlineCall",
    "servicedesk.OutboxMessage",
    "servicedesk.ClubSignup",
}


@pytest.mark.django_db
def test_the_models_services_write_are_read_only_in_the_admin(admin_user: Any) -> None:
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    read_only = {
        model._meta.label: model_admin
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ReadOnlyAdmin)
    }
    assert set(read_only) == SERVICE_WRITTEN
    for label, model_admin in read_only.items():
        assert model_admin.has_view_permission(request), label
        assert not model_admin.has_add_permission(request), label
        assert not model_admin.has_change_permission(request), label
        assert not model_admin.has_delete_permission(request), label
