"""The XForm that ODK Collect, KoboCollect and ODK Web Forms fill: pyxform's, from the survey's XLSForm."""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pyxform import create_survey_from_xls

from survey.models import SurveyVersion
from survey.questionnaire.model import Definition
from survey.questionnaire.parse import parse_definition
from survey.questionnaire.xlsform.writing import metadata_names, write_xlsform
from survey.services.sites import list_sites

# When the interview was opened and finalised: Collect and Web Forms fill these in on every form, as
# for a Kobo form with start and end rows, so that a response says how long its interview took.
TIMESTAMPS = ("start", "end")


@dataclass(frozen=True)
class XForm:
    """A version's XForm as Collect downloads it, with the hash its form list announces."""

    form_id: str
    version: str
    title: str
    xml: str

    @property
    def md5(self) -> str:
        """The form list's hash: Collect downloads the form again when it changes."""
        return "md5:" + hashlib.md5(self.xml.encode("utf-8"), usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class _Site:
    slug: str
    display_name: str


def xform_for(version: SurveyVersion) -> XForm:
    """The version's XForm, built once for each content and list of sites."""
    sites = tuple(_Site(site.slug, site.display_name) for site in list_sites())
    content = json.dumps(version.definition, ensure_ascii=False, sort_keys=True)
    return _build(content, sites)


def xform_metadata(definition: Definition) -> dict[str, str]:
    """The element of the instance each metadata the XForm has a tablet fill in is in, by its XLSForm type."""
    return metadata_names(definition, (*TIMESTAMPS, *definition.metadata))


@lru_cache(maxsize=64)
def _build(content: str, sites: Sequence[_Site]) -> XForm:
    """Write the XLSForm, then let pyxform make the XForm from it, as any ODK server would.

    Each data file is declared as an external instance (jr://file-csv/NAME.csv), which the form
    list's manifest sends to the tablet.
    """
    definition = parse_definition(json.loads(content))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{definition.form_id}.xlsx"
        write_xlsform(definition, path, sites, (*TIMESTAMPS, *definition.metadata), declare_data_files=True)
        survey = create_survey_from_xls(str(path))
        xml = survey.to_xml(validate=False, warnings=[])  # no Java ODK Validate on a server
    title = definition.title.get(definition.default_language) or definition.form_id
    return XForm(definition.form_id, definition.version, title, xml)
