"""The layout README promises: blog imports no other app of ours, the apps import each other one way only
(no circle), and no test module imports another."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

# A line that imports, at any depth (an import inside a function counts too). Read with a pattern, not parsed:
# parsing every module took half a second of the fast loop, and a docstring line that happens to begin with
# "from" names no app.
IMPORT = re.compile(r"^\s*(?:from|import)\s+([A-Za-z_]\w*)", re.MULTILINE)
TEST_MODULE_IMPORT = re.compile(r"^\s*(?:from|import)\s+(?:[\w.]*\btests\.test_\w+|\.+test_\w+)", re.MULTILINE)


def our_apps() -> list[str]:
    """config, and every installed app whose folder is in this project."""
    root = Path(settings.BASE_DIR)
    # By package name: a virtualenv inside the project holds installed apps under its folder too.
    tops = {app.name.split(".")[0] for app in apps.get_app_configs()}
    names = {top for top in tops if (root / top / "__init__.py").is_file()}
    return sorted({"config", *names})


def code_of(app: str):
    """The app's own modules: not its tests (which may use anything) nor its migrations."""
    for path in sorted((Path(settings.BASE_DIR) / app).rglob("*.py")):
        if "tests" not in path.parts and "migrations" not in path.parts:
            yield path


@pytest.fixture(scope="module")
def imports() -> dict[str, dict[str, list[str]]]:
    """{app: {other app it imports: [the modules that do]}}."""
    names = our_apps()
    found = {app: {} for app in names}
    for app in names:
        for path in code_of(app):
            for other in set(IMPORT.findall(path.read_text())) & set(names) - {app}:
                found[app].setdefault(other, []).append(str(path.relative_to(settings.BASE_DIR)))
    return found


def test_the_apps_are_found():
    assert {"config", "blog", "accounts", "jekyll", "backups", "responses", "subscriptions"} <= set(our_apps())


def test_blog_imports_no_other_app(imports):
    """Features show themselves on blog's pages through their own template tags and context processors."""
    assert imports["blog"] == {}


def test_no_app_is_reached_again_from_what_it_imports(imports):
    circles = []

    def walk(app, path):
        for other in imports[app]:
            if other == path[0]:
                circles.append(" -> ".join([*path, other]))
            elif other not in path:
                walk(other, [*path, other])

    for app in imports:
        walk(app, [app])
    assert circles == []


def test_no_test_module_imports_another():
    """Helpers shared between test modules live in non-test modules (factories.py, helpers.py)."""
    root = Path(settings.BASE_DIR)
    offenders = [
        str(path.relative_to(root))
        for app in [*our_apps(), "e2e"]
        for path in sorted((root / app).rglob("test_*.py"))
        if TEST_MODULE_IMPORT.search(path.read_text())
    ]
    assert offenders == []


def test_no_module_is_much_over_400_lines():
    """README: "no module over about 400 lines", settings.py excepted (every knob is listed in that one place)."""
    root = Path(settings.BASE_DIR)
    long = [
        f"{path.relative_to(root)}: {lines}"
        for folder in [*our_apps(), "e2e", "bench", "scripts"]
        for path in sorted((root / folder).rglob("*.py"))
        if path != root / "config" / "settings.py" and (lines := path.read_text().count("\n")) > 450
    ]
    assert long == []
