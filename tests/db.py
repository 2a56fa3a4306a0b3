"""Helpers for transactional tests, which start from a flushed database."""

from __future__ import annotations

import importlib

from django.apps import apps


def reload_data_migration(module: str, function: str) -> None:
    """Run a data migration's function again (e.g. a catalogue or entitlement seed): an
    earlier transactional test's flush may have emptied the tables it filled."""
    getattr(importlib.import_module(module), function)(apps, None)
