"""The programme's configurable parameters: every number docs/rules.md marks as a Default.

Each app declares its own parameters and their defaults in its manifest.py
(``declare_settings``, core/manifests.py). Each value can be overridden in settings
(``GOTONE = {"ANNUAL_THRESHOLDS": {...}}``) without touching code; nothing else in the code
base writes these numbers as literals.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from core.manifests import SETTINGS, discover

# Every app's declared defaults, by name (the same dict core/manifests.py fills).
DEFAULTS: dict[str, Any] = SETTINGS


def programme(name: str) -> Any:
    """A programme parameter: the settings override if any, else its app's default."""
    overrides: dict[str, Any] = getattr(settings, "GOTONE", {})
    if name in overrides:
        return overrides[name]
    discover()
    return DEFAULTS[name]
