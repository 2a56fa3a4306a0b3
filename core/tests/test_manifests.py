"""Apps declare themselves (core/manifests.py): core names no domain app, and what the apps
declare is whole and consistent."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from core import manifests
from core.access import SUPERVISORS, URL_ACCESS
from core.programme import DEFAULTS

CORE = Path(settings.BASE_DIR) / "core"


def _domain_apps() -> set[str]:
    """Our own apps other than core (those whose code lives in this repository)."""
    base = Path(settings.BASE_DIR).resolve()
    return {
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == base and config.label != "core"
    }


def _core_modules() -> list[Path]:
    return [
        path
        for path in CORE.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    ]


def test_core_imports_no_domain_app() -> None:
    domain = _domain_apps()
    assert {"membership", "plans", "points", "servicedesk"} <= domain
    found = []
    for path in _core_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            found += [f"{path.name}: {name}" for name in names if name.split(".")[0] in domain]
    assert found == []


def test_core_names_no_domain_apps_url_model_or_permission() -> None:
    """No string in core's code names a domain app's URL (``membership:lookup``), model or
    permission (``plans.view_plan``): each app declares those in its own manifest.py."""
    pattern = re.compile(rf"^({'|'.join(sorted(_domain_apps()))})[:.][a-z_]")
    found = []
    for path in _core_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and pattern.match(node.value)
            ):
                found.append(f"{path.name}: {node.value}")
    assert found == []


def test_every_app_of_ours_declares_its_urls_in_its_own_manifest() -> None:
    for label in _domain_apps() | {"core"}:
        assert (Path(apps.get_app_config(label).path) / "manifest.py").exists(), label


def test_navigation_tiles_and_workspaces_point_at_urls_with_an_access_entry() -> None:
    names = [item.url_name for item in manifests.navigation()]
    names += [tile.url_name for tile in manifests.tiles()]
    names += [manifests.workspace_of(role) for role in ("counter_clerk", "account_manager")]
    names.append(manifests.workspace_of("supervisor"))
    for name in names:
        reverse(name)  # resolves
        rule = URL_ACCESS.get(name) or URL_ACCESS.get(name.split(":")[0] + ":*")
        assert rule is not None, name


def test_navigation_keeps_its_order() -> None:
    labels = [str(item.label) for item in manifests.navigation()]
    assert (labels[0], labels[-1]) == ("Counter", "Admin")
    orders = [item.order for item in manifests.navigation()]
    assert len(set(orders)) == len(orders), "two navigation items share an order"


def test_a_url_access_entry_declared_twice_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(manifests, "ACCESS", dict(manifests.ACCESS))
    with pytest.raises(ImproperlyConfigured, match="declared twice"):
        manifests.declare_access({"core:job_runs": SUPERVISORS})


def test_a_programme_setting_declared_by_two_apps_is_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(manifests, "SETTINGS", dict(manifests.SETTINGS))
    with pytest.raises(ImproperlyConfigured, match="MONTHLY_CLOSE_DAY"):
        manifests.declare_settings({"MONTHLY_CLOSE_DAY": 1})


def test_every_programme_setting_the_code_reads_is_declared_by_an_app() -> None:
    base = Path(settings.BASE_DIR)
    read = set()
    for label in _domain_apps() | {"core"}:
        for path in Path(apps.get_app_config(label).path).rglob("*.py"):
            if "tests" in path.parts:
                continue
            read |= set(re.findall(r'programme\(\s*"([A-Z_]+)"', path.read_text("utf-8")))
    read |= set(
        re.findall(
            r'day_of_month="([A-Z_]+)"', "".join(p.read_text() for p in base.glob("*/jobs.py"))
        )
    )
    assert read, "no programme() call found"
    assert sorted(read - set(DEFAULTS)) == []
    for name in read:
        assert manifests.setting_owner(name) in _domain_apps() | {"core"}
