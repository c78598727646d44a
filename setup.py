"""The build steps pyproject.toml cannot declare: which packages to ship, and the compiled catalogues."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

# Folders at the top of the repository that pyproject.toml's package-dir installs inside the package.
MAPPED = ["survey.config", "survey.migrations", "survey.templates"]
CATALOGUES = Path("survey", "translations")
VENDOR = Path("survey", "static", "vendor")
VENDORED = (VENDOR / "idb" / "idb.umd.js", VENDOR / "leaflet" / "leaflet.js", VENDOR / "leaflet" / "leaflet.css")


class BuildPy(build_py):
    """Copy the package, compile each messages.po into the messages.mo Flask-Babel reads."""

    def run(self) -> None:
        missing = [str(path) for path in VENDORED if not path.exists()]
        if not self.editable_mode and missing:
            raise SystemExit(f"{', '.join(missing)} missing: run `make vendor` (needs npm) before building Voces")
        super().run()
        target = Path(".") if self.editable_mode else Path(self.build_lib)
        for po in sorted(CATALOGUES.glob("*/LC_MESSAGES/*.po")):
            with po.open("rb") as source:
                catalog = read_po(source, locale=po.parent.parent.name)
            mo = target / po.with_suffix(".mo")
            mo.parent.mkdir(parents=True, exist_ok=True)
            with mo.open("wb") as compiled:
                write_mo(compiled, catalog)


setup(
    packages=[*find_packages(include=["survey", "survey.*"]), *MAPPED],
    cmdclass={"build_py": BuildPy},
)
