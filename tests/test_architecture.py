"""docs/architecture.md lists every app as it is, and every app's pages live in the app.

- The table of docs/architecture.md ("## Apps") names every package under src/vigie and every
  Django app of INSTALLED_APPS, and nothing else; for each app it lists the modules of the common
  inside the app has (models.py, choices.py, services.py, filtersets.py, forms.py, views.py,
  urls.py, api/, admin.py, templates/<app>/, commands.py), exactly those.
- A page is served by its app's views.py: the incident pages by vigie.incidents.views, the pages of
  sources, actors and places by their apps'; vigie.web keeps the dashboard and the public part.
- An app's templates are under templates/<app>/, and its views render its own templates (or the
  shared ones of core).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "vigie"
DOC = ROOT / "docs" / "architecture.md"

# The modules of an app's common inside, in the order the doc lists them.
INSIDE = (
    "models.py",
    "choices.py",
    "services.py",
    "filtersets.py",
    "forms.py",
    "views.py",
    "urls.py",
    "api/",
    "admin.py",
    "templates/",
    "commands.py",
)
# vigie.web's own pages: the dashboard and the public part. Any other page is a domain app's.
WEB_PAGES = {"dashboard", "public_home", "methodology", "open_data", "open_data_download"}
# Which app serves a page, by the first part of its URL name; the report form's search boxes
# (place_search, actor_search) are intake's.
PAGE_OWNERS = {
    "incident": "incidents",
    "source": "reports",
    "actor": "actors",
    "place": "places",
}
INTAKE_PAGES = {"place_search", "actor_search"}


def packages() -> set[str]:
    return {
        path.parent.name
        for path in PACKAGE.glob("*/__init__.py")
        if path.parent.name not in ("settings", "locale")
    }


def django_apps() -> set[str]:
    names = set()
    for entry in settings.INSTALLED_APPS:
        if entry.startswith("vigie."):
            names.add(entry.split(".")[1])
    return names


def documented() -> dict[str, set[str]]:
    """The apps of the doc's table, each with the modules it names (`models.py`, `api/`...)."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("\n## Apps\n", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, set[str]] = {}
    for line in section.splitlines():
        match = re.match(r"\|\s*`(\w+)/`\s*\|(.*)\|(.*)\|\s*$", line)
        if match:
            rows[match.group(1)] = set(re.findall(r"`([\w./]+)`", match.group(3)))
    return rows


def inside_of(app: str) -> set[str]:
    folder = PACKAGE / app
    found = set()
    for name in INSIDE:
        if name.endswith("/"):
            if (folder / name).is_dir() and any((folder / name).rglob("*.*")):
                found.add(name)
        elif (folder / name).is_file():
            found.add(name)
    return found


def test_the_doc_lists_every_app_and_only_those():
    rows = documented()
    assert rows, "docs/architecture.md has no '## Apps' table"
    expected = packages() | django_apps()
    missing = sorted(expected - set(rows))
    unknown = sorted(set(rows) - expected)
    assert not missing, f"apps missing from docs/architecture.md: {missing}"
    assert not unknown, f"docs/architecture.md names apps that do not exist: {unknown}"


def test_the_doc_lists_each_apps_modules_as_they_are():
    wrong = {}
    for app, named in documented().items():
        listed = {name for name in named if name in INSIDE}
        actual = inside_of(app)
        if listed != actual:
            wrong[app] = {
                "listed, absent": sorted(listed - actual),
                "present, not listed": sorted(actual - listed),
            }
    assert not wrong, f"docs/architecture.md, the modules of: {wrong}"


def walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name, pattern.callback


def view_module(callback) -> str:
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    return (view_class or callback).__module__


def test_every_page_is_served_by_its_apps_views():
    pages = dict(walk(get_resolver().url_patterns))
    assert "web:incident_list" in pages and "intake:source_list" in pages
    wrong = []
    for name, callback in sorted(pages.items()):
        module = view_module(callback)
        namespace, _sep, short = name.rpartition(":")
        # The API's routes (registered by its router) and the admin site are not pages.
        if namespace in ("api", "admin") or module.startswith(("django.", "rest_framework")):
            continue
        if module.startswith("vigie.web."):
            if short not in WEB_PAGES:
                wrong.append(f"{name} is served by {module}: a domain app's page lives in its app")
            continue
        owner = PAGE_OWNERS.get(short.split("_")[0])
        if owner and short not in INTAKE_PAGES and module != f"vigie.{owner}.views":
            wrong.append(f"{name} is served by {module}, not vigie.{owner}.views")
        if not re.fullmatch(r"vigie\.\w+\.views", module) and not module.startswith(
            "vigie.accounts"
        ):
            wrong.append(f"{name} is served by {module}, not an app's views.py")
    assert not wrong, "\n".join(wrong)


def test_templates_are_under_their_app_and_views_render_their_own():
    misplaced = []
    for app in sorted(packages()):
        templates = PACKAGE / app / "templates"
        if not templates.is_dir():
            continue
        for path in templates.rglob("*.html"):
            top = path.relative_to(templates).parts[0]
            # Django's own names: the 404 page and the login form (registration/).
            if top not in (app, "registration", "404.html"):
                misplaced.append(str(path.relative_to(PACKAGE)))
    assert not misplaced, f"templates outside templates/<app>/: {misplaced}"

    foreign = []
    for app in sorted(packages()):
        views = [PACKAGE / app / "views.py", *sorted((PACKAGE / app / "views").glob("*.py"))]
        for path in views:
            if not path.is_file():
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    match = re.fullmatch(r"(\w+)/[\w/]+\.html", node.value)
                    if match and match.group(1) not in (app, "core"):
                        foreign.append(f"{path.relative_to(PACKAGE)} renders {node.value}")
    assert not foreign, "\n".join(foreign)
