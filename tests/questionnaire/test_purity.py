"""The questionnaire imports neither Flask nor the database, so anything can use it without an app."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import survey.questionnaire

PACKAGE = Path(survey.questionnaire.__file__).parent
FORBIDDEN = ("flask", "flask_babel", "flask_wtf", "wtforms", "sqlalchemy", "survey.extensions", "survey.models")
FORBIDDEN_PREFIXES = ("survey.services", "survey.web", "survey.setup", "survey.app")

# survey/__init__.py is the app factory and imports Flask; the questionnaire is loaded without it.
SCRIPT = """
import importlib, json, pkgutil, sys, types
root, names = sys.argv[1], json.loads(sys.argv[2])
package = types.ModuleType("survey")
package.__path__ = [root]
sys.modules["survey"] = package
for name in names:
    importlib.import_module(name)
print(json.dumps(sorted(sys.modules)))
"""


def questionnaire_modules() -> list[str]:
    """Every module of survey.questionnaire by its dotted name."""
    return sorted(
        "survey." + ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        for path in PACKAGE.rglob("*.py")
    )


def test_every_questionnaire_module_imports_without_flask_or_the_database():
    names = questionnaire_modules()
    assert "survey.questionnaire.expressions.evaluation" in names and "survey.questionnaire.xlsform.reading" in names
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(PACKAGE.parent), json.dumps(names)],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = json.loads(result.stdout)
    assert set(names) <= set(loaded)
    offending = [
        m for m in loaded if m in FORBIDDEN or m.split(".")[0] in FORBIDDEN or m.startswith(FORBIDDEN_PREFIXES)
    ]
    assert offending == []
