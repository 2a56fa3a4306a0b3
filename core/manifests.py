"""What each app declares about itself, so core names no domain app.

Every installed app may have a ``manifest.py`` (found at start-up, like ``admin.py``) that
declares, with the functions below:

- ``declare_access({url_name: roles})``: who may open its URLs (the matrix of core/access.py;
  a URL with no entry is refused to everybody and fails tests/test_access_matrix.py);
- ``declare_navigation(url_name, label, order=)``: an item of the header navigation, shown
  to whoever the matrix lets in;
- ``declare_tile(url_name, title, text, order=)``: a tile of the supervisor's workspace;
- ``declare_workspace(role, url_name)``: the page a role lands on after login;
- ``declare_permissions({role: ("app_label.codename", ...)})``: the Django permissions each
  staff role's group holds on its models (core/roles.py applies them after every migrate);
- ``declare_count_labels(job, {key: label})``: the words for the counts a job run keeps;
- ``declare_settings({NAME: default})``: its programme parameters (core/programme.py reads
  them, with the ``GOTONE`` settings override on top).

An app's calendar jobs are declared where their code is registered, in ``<app>/jobs.py``
(core/job_registry.py). A manifest imports only core and translation: no models, no
services, so it can be read while the apps load. Declaring a name twice is an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: Any
    order: int


@dataclass(frozen=True)
class Tile:
    url_name: str
    title: Any
    text: Any
    order: int


# Filled by the manifests; read through the functions at the end of this module.
ACCESS: dict[str, frozenset[str]] = {}
SETTINGS: dict[str, Any] = {}
PERMISSIONS: dict[str, list[str]] = {}
_SETTING_OWNERS: dict[str, str] = {}
_NAVIGATION: list[NavItem] = []
_TILES: list[Tile] = []
_WORKSPACES: dict[str, str] = {}
COUNT_LABELS: dict[str, dict[str, Any]] = {}
_discovered = False


def _caller_app(depth: int = 2) -> str:
    import sys

    module = sys._getframe(depth).f_globals.get("__name__", "")
    return str(module).split(".")[0]


def declare_access(entries: Mapping[str, frozenset[str]]) -> None:
    for name, roles in entries.items():
        if name in ACCESS:
            raise ImproperlyConfigured(f"URL access entry {name!r} is declared twice.")
        ACCESS[name] = roles


def declare_navigation(url_name: str, label: Any, *, order: int) -> None:
    _NAVIGATION.append(NavItem(url_name, label, order))


def declare_tile(url_name: str, title: Any, text: Any, *, order: int) -> None:
    _TILES.append(Tile(url_name, title, text, order))


def declare_workspace(role: str, url_name: str) -> None:
    if role in _WORKSPACES:
        raise ImproperlyConfigured(f"The workspace of role {role!r} is declared twice.")
    _WORKSPACES[role] = url_name


def declare_count_labels(job: str, labels: Mapping[str, Any]) -> None:
    """What each figure a job run keeps (``JobRun.counts``) means, in words: key → label;
    a key of a nested count is written ``parent.key`` (``stars.5``)."""
    if job in COUNT_LABELS:
        raise ImproperlyConfigured(f"The count labels of job {job!r} are declared twice.")
    COUNT_LABELS[job] = dict(labels)


def declare_permissions(per_role: Mapping[str, tuple[str, ...]]) -> None:
    for role, perms in per_role.items():
        held = PERMISSIONS.setdefault(role, [])
        held.extend(perm for perm in perms if perm not in held)


def declare_settings(defaults: Mapping[str, Any]) -> None:
    owner = _caller_app()
    for name, value in defaults.items():
        if name in SETTINGS:
            raise ImproperlyConfigured(
                f"Programme setting {name!r} is declared by {_SETTING_OWNERS[name]} and {owner}."
            )
        SETTINGS[name] = value
        _SETTING_OWNERS[name] = owner


def discover() -> None:
    """Import every installed app's manifest.py once (core's ready() calls this)."""
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("manifest")


def navigation() -> list[NavItem]:
    discover()
    return sorted(_NAVIGATION, key=lambda item: item.order)


def tiles() -> list[Tile]:
    discover()
    return sorted(_TILES, key=lambda tile: tile.order)


def workspace_of(role: str) -> str:
    discover()
    return _WORKSPACES[role]


def setting_owner(name: str) -> str:
    discover()
    return _SETTING_OWNERS[name]
