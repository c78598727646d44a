"""What each type pyxform reads is for Voces: one of its question types, metadata, or a feature it lacks."""

# pyxform knows every spelling of every type (aliases such as `q int`, `phone number`, `add text
# prompt`) and what each becomes in an XForm: its control and its binding. Voces reads that rather
# than a list of spellings of its own, so a type pyxform reads as a text input is a text question.

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pyxform.question_type_dictionary import QUESTION_TYPE_DICT

from survey.questionnaire.media_types import FileType
from survey.questionnaire.messages import N_, Message
from survey.questionnaire.model import START_GEOPOINT
from survey.questionnaire.xlsform.columns import XLSFORM_TYPES

GROUP = "group"
README_SECTION = "XLSForm: what Voces reads"
README_ANCHOR = "xlsform-what-voces-reads"  # the section's anchor, as GitHub and most renderers make it
UNSUPPORTED = N_("Voces does not support %(feature)s; see '%(section)s' in the README")
# What Voces does with the metadata ODK fills in by itself: it records some of them its own way.
RECORDED_METADATA = {
    "start": N_("when the form was opened"),
    "end": N_("when it was sent"),
    "today": N_("when it was sent"),
    "deviceid": N_("the tablet that sent it"),
    "username": N_("the interviewer who sent it"),
}
START_GEOPOINT_RECORDED = N_("where the interview began")
EXTERNAL_TYPES = frozenset({"xml-external", "csv-external"})
SHEET_SELECT = "select one external"  # select_one_external: a list of the external_choices sheet
SHEET_SELECT_AS = "select one"
FILE_SUFFIXES = (".xml", ".geojson")  # select_*_from_file reads a CSV file; these others it refuses
REPEAT = "repeat"
LOOP = "loop"  # begin loop over a list: the same questions once per choice, each choice a group
# The feature a type needs, by what pyxform makes of it, for types Voces refuses.
FEATURES_BY_BINDING = {"odk:rank": N_("ranking (rank)")}
OSM = "osm"  # a map feature picked in another app (OpenMapKit), kept as an .osm file: Voces asks for the file
ASKED_AS_FILE = N_("%(type)s asks for a map feature in another app; Voces asks for the .osm file instead")
FEATURES_BY_CONTROL = {
    "range": N_("ranges (range)"),
    "action": N_("the type '%(type)s', an action run in the background"),
}
# An action is named by its type: each does something else in the background.
FEATURES_BY_TYPE = {
    "background-audio": N_("the type 'background-audio' (background recording)"),
}
HIDDEN = "hidden"  # a value kept unseen, from its default: a calculation of that value in Voces
EXTERNAL_CHOICES = N_("choices from a file (external choices)")
FILE_CHOICES = N_("choices from an XML or GeoJSON file (%(file)s); a CSV file is read")
UNKNOWN_TYPE = N_("the type '%(type)s'")


@dataclass(frozen=True)
class Kind:
    """What a pyxform element is: a Voces question type, a group, metadata, or a feature Voces lacks."""

    question_type: str = ""  # the Voces type, for a question
    group: bool = False
    repeat: bool = False  # a group asked once per instance
    loop: bool = False  # a group asked once per choice of a list
    metadata: bool = False  # filled in by ODK itself, not asked
    asked_as: str = ""  # a warning: Voces asks this type another way than ODK does
    recorded_as: str = ""  # what Voces records instead of a metadata row, if anything
    unsupported: Message | None = None  # the feature's name, for what Voces refuses
    defaults: Mapping[str, Any] | None = None  # what pyxform's type adds (a constraint, a hint)


def _signature(entry: Mapping[str, Any]) -> tuple[object, ...]:
    control = entry.get("control") or {}
    bind = entry.get("bind") or {}
    return control.get("tag"), control.get("mediatype"), bind.get("type"), bind.get("readonly")


_BY_SIGNATURE = {
    _signature(QUESTION_TYPE_DICT[spelling]): name
    for spelling, name in XLSFORM_TYPES.items()
    if spelling in QUESTION_TYPE_DICT
}


def kind_of(element: Mapping[str, Any]) -> Kind:
    """What Voces makes of one element of pyxform's JSON."""
    name = str(element.get("type") or "")
    if name == GROUP:
        return Kind(group=True)
    if name == REPEAT:
        return Kind(group=True, repeat=True)
    if name == LOOP:
        return Kind(group=True, loop=True)
    if name in EXTERNAL_TYPES:
        return Kind(unsupported=Message(EXTERNAL_CHOICES))
    itemset = str(element.get("itemset") or "")
    if itemset.lower().endswith(FILE_SUFFIXES):
        return Kind(unsupported=Message(FILE_CHOICES, {"file": itemset}))
    entry = QUESTION_TYPE_DICT.get(SHEET_SELECT_AS if name == SHEET_SELECT else name)
    if entry is None:
        return Kind(unsupported=Message(UNKNOWN_TYPE, {"type": name}))
    bind = entry.get("bind") or {}
    if name == START_GEOPOINT:
        return Kind(metadata=True, recorded_as=START_GEOPOINT_RECORDED)
    if name == "audit" or "jr:preload" in bind:
        property_name = str(bind.get("jr:preloadParams") or name).removeprefix("uri:")
        return Kind(metadata=True, recorded_as=RECORDED_METADATA.get(property_name, ""))
    if name == OSM:
        return Kind(question_type=FileType.name, asked_as=ASKED_AS_FILE)
    question_type = _BY_SIGNATURE.get(_signature(entry))
    if question_type:
        return Kind(question_type=question_type, defaults=entry)
    tag = str((entry.get("control") or {}).get("tag"))
    feature = FEATURES_BY_TYPE.get(name) or FEATURES_BY_CONTROL.get(tag)
    feature = feature or FEATURES_BY_BINDING.get(str(bind.get("type")))
    return Kind(unsupported=Message(feature or UNKNOWN_TYPE, {"type": name}))


def unsupported(feature: Message) -> Message:
    """Voces does not support a feature, pointing to the README's list."""
    return Message(UNSUPPORTED, {"feature": feature, "section": README_SECTION})
