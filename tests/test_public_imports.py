"""Other packages are used through their public names only: a private one may change in any release."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import survey

PACKAGE = Path(survey.__file__).parent


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_uses(source: str) -> list[str]:
    """Private names of other modules that the source imports or reaches through an imported name."""
    tree = ast.parse(source)
    found: list[str] = []
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if any(_private(part) for part in alias.name.split(".")):
                    found.append(f"import {alias.name}")
                imported.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if any(_private(part) for part in node.module.split(".")):
                found.append(f"from {node.module} import ...")
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"from {node.module} import {alias.name}")
                imported.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in imported:
                found.append(f"{ast.unparse(node)}")
    return found


@pytest.mark.parametrize(
    "source",
    [
        "from textblob import _text",
        "from syntok._segmentation_states import State",
        "import textblob._text as pattern",
        "from vaderSentiment import vaderSentiment as vader\nstrip = vader.SentiText._strip_punc_if_word",
        "from survey.analysis.language import _identifier",
        "import survey.analysis.language\nsurvey.analysis.language._identifier()",
    ],
)
def test_private_uses_are_found(source):
    assert private_uses(source)


def test_public_and_own_names_pass():
    source = "from flask_babel import gettext as _\nclass A:\n    def f(self):\n        return self._x, tuple.__new__"
    assert private_uses(source) == []


def test_no_module_of_the_package_uses_a_private_name_of_another():
    offenders = {
        str(path.relative_to(PACKAGE)): uses
        for path in sorted(PACKAGE.rglob("*.py"))
        if (uses := private_uses(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}
