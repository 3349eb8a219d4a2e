"""The layers of docs/architecture.md hold: no app imports one above it.

import-linter reads its contracts from pyproject.toml (`[tool.importlinter]`,
also run by `make lint`). Every app of ours in INSTALLED_APPS is a root package
there and sits in the layers contract, so that a new app must be placed before
its imports are checked.
"""

import subprocess
import sys
import tomllib
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
LINT = (
    "import sys; from importlinter.cli import lint_imports; "
    "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True, "
    "no_logo=True))"
)
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def _our_apps() -> set[str]:
    """The apps whose code lives in this repository (not Django's, Wagtail's…)."""
    return {
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == ROOT
    }


def _layer_modules() -> set[str]:
    layers = next(c for c in CONFIG["contracts"] if c["type"] == "layers")["layers"]
    return {
        name.strip() for layer in layers for name in layer.replace("|", ":").split(":")
    }


def test_every_app_of_ours_is_placed_in_the_layers():
    ours = _our_apps()
    assert {"community", "common", "feeds", "moderation", "mydata"} <= ours
    assert ours <= set(CONFIG["root_packages"])
    assert ours <= _layer_modules()


def test_the_import_contracts_are_kept():
    # import-linter is in the dev extra (pyproject.toml): without it this test
    # fails (the subprocess cannot import it), it never skips.
    # In a process of its own: import-linter configures logging and sys.path.
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", LINT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
