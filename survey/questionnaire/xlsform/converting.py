"""Turn pyxform's JSON for an XLSForm into a Voces definition dict (the format YAML files use)."""

# pyxform has already read the workbook: aliases, upper-case headers, languages with or without a
# code, or_other (it adds the choice and the text question), defaults. What is left here is what
# Voces makes of it: each element's question type, what it ignores with a warning, and what it
# refuses, naming the feature. Each element carries the row it came from (ROW_KEY).

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from survey.questionnaire.expressions import ExpressionError, references
from survey.questionnaire.messages import N_, Message
from survey.questionnaire.notices import Notice
from survey.questionnaire.parse import GROUP_APPEARANCES
from survey.questionnaire.question_types import QUESTION_TYPES, SITE_LIST, NoteType, SiteType
from survey.questionnaire.rules import CHOICE_PREFIX, DefinitionError, choice_filter_expression
from survey.questionnaire.validate import INSTANCE_MARK
from survey.questionnaire.xlsform.columns import NO, YES
from survey.questionnaire.xlsform.external import CHOICE_FILE_SUFFIX, ChoiceFiles
from survey.questionnaire.xlsform.kinds import HIDDEN, SHEET_SELECT, Kind, kind_of, unsupported
from survey.questionnaire.xlsform.languages import Languages

ROW_KEY = "__voces_row"  # added to each row before pyxform reads it, so that errors can name the row
TESTIMONY_TYPES = tuple(kind.name for kind in QUESTION_TYPES.values() if kind.can_be_testimony)
COPIED_BINDS = {"relevant": "relevant", "constraint": "constraint", "calculate": "calculation"}
TEXT_BINDS = {"jr:requiredMsg": "required_message", "jr:constraintMsg": "constraint_message"}
FLAG_BINDS = {"required": "required", "readonly": "read_only"}
READ_KEYS = frozenset(
    {
        "type",
        "name",
        "label",
        "interview_label",
        "hint",
        "bind",
        "control",
        "choices",
        "itemset",
        "list_name",
        "parameters",
    }
    | {"choice_filter", "default", "children", "columns", ROW_KEY}  # columns: a loop's choices
    | {"actions", "_dynamic_default"}  # pyxform's bookkeeping for a default that is an expression
    | {"query"}  # select_one_external names its list twice, as itemset and as query
)
FILE_PARAMETERS = frozenset({"value", "label"})  # the columns of a choice file that name and label a choice
IGNORED_COLUMN = N_("column %(column)s is not one Voces reads; ignored")
REFUSED_KEYS = {"trigger": N_("triggers (trigger)")}
# A picture or sound beside a label is a file ODK ships with the form; the label's words are still asked.
LABEL_MEDIA = N_("pictures and sounds beside a label (media) are not shown, only the label's words; ignored")
PICTURE_NOTE = N_("a note that is only a picture or sound (media), with no words to show; row skipped")
# A note showing what ODK fills in itself (${start}): Voces records it its own way, off the form.
METADATA_NOTE = N_("a note showing metadata (%(names)s), which Voces does not put on the form; row skipped")
_SHOWN = re.compile(r"\$\{([^}\s]+)\}")
FLAG_EXPRESSION = N_("an expression as %(column)s (only yes or no)")  # read_only; required may be one
READ_CONTROLS = frozenset({"appearance", "bodyless", "jr:count"})
# Appearances that change what is asked or stored, or need another app: refused, by name. Any other
# appearance Voces does not know is ignored with a warning, as ODK's own apps ignore one they lack.
REFUSED_APPEARANCE = re.compile(r"search\(.*|printer:.*")
# ex:<app> has ODK Collect launch another Android app to fill the answer in; Enketo, the web form
# ODK and Kobo use, shows the ordinary widget instead, and so does Voces.
EXTERNAL_APP = re.compile(r"ex:.*")
EXTERNAL_APP_ASKED = N_("appearance %(word)s: asked as an ordinary question: Voces cannot launch an external app")
# ODK's grid (a table-list group, or rows with these appearances) only lays choices out in columns:
# on a web page each question shows its own choices, and the grid's header row becomes a note.
TABLE_APPEARANCES = frozenset({"table-list", "list", "list-nolabel"})
RENAMED = N_("the name %(name)s is used in another group too; this question is kept as %(renamed)s")
UNDOTTED = N_("the name %(name)s holds a dot, which numbers a repeat's instances in Voces; it is kept as %(renamed)s")
TABLE_HEADER = "label"
TABLE_TITLE = "generated_table_list_label_"
TABLE_LAID_OUT = N_("appearance %(word)s lays questions out as a table in ODK; here each shows its own choices")
HEADER_AS_NOTE = N_("appearance label makes a table's header row: shown as a note")
HEADER_SKIPPED = N_("appearance label makes a table's header row, with no words of its own; row skipped")
_PARENT_PATH = re.compile(r"\.\./([A-Za-z_][A-Za-z0-9_.-]*)")  # pyxform's or_other question reads ../name


@dataclass
class Conversion:
    """One form being converted: its languages, what it warns about, and the row of each question."""

    languages: Languages
    warnings: list[str] = field(default_factory=list)  # Notices: the admin page words them in its language
    rows: dict[str, int] = field(default_factory=dict)
    undotted: dict[str, str] = field(default_factory=dict)  # names with a dot, and what they became
    metadata: set[str] = field(default_factory=set)  # names of the metadata rows skipped
    files: ChoiceFiles | None = None  # the lists read from CSV files and the external_choices sheet

    def warn(self, row: int | None, template: str, **values: object) -> None:
        """Keep a warning about a row of the survey sheet."""
        detail = Notice(template, **values)
        if row:
            self.warnings.append(Notice(N_("survey sheet, row %(row)s: %(detail)s"), row=row, detail=detail))
        else:
            self.warnings.append(Notice(N_("survey sheet: %(detail)s"), detail=detail))

    def item(self, element: Mapping[str, Any], row: int | None) -> dict[str, Any] | None:
        """Our item for one element of pyxform's JSON, or None for what Voces skips."""
        name = str(element.get("name") or "")
        row = int(element.get(ROW_KEY) or row or 0) or None
        if INSTANCE_MARK in name and ROW_KEY in element:  # XML allows dots in names; Voces numbers instances by one
            name = self._undotted(name, row)
        if name in self.rows and ROW_KEY in element:  # XML tells them apart by their groups; Voces by name
            name = self._renamed(name, row)
        if row and name:
            self.rows.setdefault(name, row)
        kind = kind_of(element)
        if kind.unsupported:
            refused = unsupported(kind.unsupported)
            raise DefinitionError(str(refused), question=name, column="type", message=refused)
        if kind.metadata:
            self.metadata.add(name)
            if kind.recorded_as:
                recorded = N_("%(type)s is metadata, not a question: Voces records it with each response (%(field)s)")
                self.warn(row, recorded, type=element.get("type"), field=Notice(kind.recorded_as))
            else:
                not_collected = N_("%(type)s is metadata: Voces does not collect it; row skipped")
                self.warn(row, not_collected, type=element.get("type"))
            return None
        if kind.asked_as:
            self.warn(row, kind.asked_as, type=element.get("type"))
        self._check_keys(element, row, name, picture_note=kind.question_type == NoteType.name)
        header = not kind.group and TABLE_HEADER in str((element.get("control") or {}).get("appearance") or "").split()
        if ROW_KEY not in element and (header or name.startswith(TABLE_TITLE)):
            return None  # what pyxform adds to draw a table-list: its title (the group's label) and header row
        if header and QUESTION_TYPES[kind.question_type].has_choice_list:
            return self._table_header(element, kind, name, row)
        out: dict[str, Any] = {"name": name, "type": _our_type(kind)}
        self._texts(out, element, kind, name)
        if out["type"] == NoteType.name and not self._note_shown(out, element, row):
            return None
        self._binds(out, element, generated=ROW_KEY not in element)
        for key in ("choice_filter", "default"):
            if element.get(key):
                out[key] = str(element[key])
        if element.get("type") == HIDDEN:
            _hidden_value(out, dynamic=bool(element.get("_dynamic_default")))
        if appearance := self._appearance(element, "group" if kind.group else out["type"], row):
            out["appearance"] = appearance
        if kind.repeat and (count := (element.get("control") or {}).get("jr:count")):
            out["repeat_count"] = str(count)
        if kind.loop:
            out["questions"] = [self._loop_group(element, column, row) for column in element.get("columns") or []]
        elif kind.group:
            out["questions"] = self.items(element.get("children") or [], row)
        elif QUESTION_TYPES[out["type"]].has_choice_list:
            self._choice_list(out, element, row)
        return out

    def _loop_group(self, element: Mapping[str, Any], column: Mapping[str, Any], row: int | None) -> dict[str, Any]:
        """One choice of a loop as ODK asks it: a group of the loop's questions, %(name)s and %(label)s its own.

        ODK tells the copies apart by the group around them; Voces names each question after its choice.
        """
        name = str(column.get("name") or "")
        out: dict[str, Any] = {"name": f"{element.get('name')}_{name}", "type": "group"}
        if label := self.languages.texts(column.get("label")):
            out["label"] = label
        children = [_for_choice(child, column) for child in element.get("children") or []]
        out["questions"] = self.items(children, row)
        return out

    def _undotted(self, name: str, row: int | None) -> str:
        """A name with a dot (ice.creams), which Voces keeps for instances (name.2), with underscores instead."""
        renamed = name.replace(INSTANCE_MARK, "_")
        number = 2
        while renamed in self.rows or renamed in self.undotted.values():
            renamed = f"{name.replace(INSTANCE_MARK, '_')}-{number}"
            number += 1
        self.warn(row, UNDOTTED, name=name, renamed=renamed)
        self.undotted[name] = renamed
        return renamed

    def _renamed(self, name: str, row: int | None) -> str:
        """A name already used in another group, numbered so that each answer keeps its own."""
        number = 2
        while f"{name}-{number}" in self.rows:
            number += 1
        self.warn(row, RENAMED, name=name, renamed=f"{name}-{number}")
        return f"{name}-{number}"

    def _table_header(
        self, element: Mapping[str, Any], kind: Kind, name: str, row: int | None
    ) -> dict[str, Any] | None:
        """A grid's header row: its label as a note, since every question below shows its own choices."""
        out: dict[str, Any] = {"name": name, "type": NoteType.name}
        self._texts(out, element, kind, name)
        if not out.get("label"):
            self.warn(row, HEADER_SKIPPED)
            return None
        self.warn(row, HEADER_AS_NOTE)
        return {key: value for key, value in out.items() if key in ("name", "type", "label", "hint")}

    def items(self, children: list[Mapping[str, Any]], row: int | None = None) -> list[dict[str, Any]]:
        """Our items for pyxform's children; a generated question (or_other's) takes the row before it."""
        out = []
        for child in children:
            if child.get("type") == "group" and (child.get("control") or {}).get("bodyless"):
                # pyxform's meta group: its own instanceID, and the audit row it moves there
                self.items([c for c in child.get("children") or [] if ROW_KEY in c], row)
                continue
            item = self.item(child, row)
            row = int(child.get(ROW_KEY) or row or 0) or None
            if item is not None:
                out.append(item)
        return out

    def _note_shown(self, out: dict[str, Any], element: Mapping[str, Any], row: int | None) -> bool:
        """Whether a note has words to show: not only a picture, nor metadata Voces keeps off the form."""
        if not out.get("label"):
            if element.get("media"):
                self.warn(row, PICTURE_NOTE)  # its picture is not shown, so nothing of it would be left
                return False
            return True  # refused, naming its row, when the definition is checked
        shown = {n for text in (*out["label"].values(), *out.get("hint", {}).values()) for n in _SHOWN.findall(text)}
        if metadata := sorted(shown & self.metadata):
            self.warn(row, METADATA_NOTE, names=", ".join(metadata))
            return False
        return True

    def _check_keys(self, element: Mapping[str, Any], row: int | None, name: str, picture_note: bool) -> None:
        for key in element:
            if key in REFUSED_KEYS:
                refused = unsupported(Message(REFUSED_KEYS[key]))
                raise DefinitionError(str(refused), question=name, column=key, message=refused)
            if key == "media":
                if not (picture_note and not element.get("label")):  # a picture alone is skipped, saying so
                    self.warn(row, LABEL_MEDIA)
            elif key not in READ_KEYS:
                self.warn(row, IGNORED_COLUMN, column=key)
        for key in element.get("control") or {}:
            if key not in READ_CONTROLS:
                self.warn(row, IGNORED_COLUMN, column=key)
        for key in element.get("bind") or {}:
            if key not in (*FLAG_BINDS, *TEXT_BINDS, *COPIED_BINDS):
                self.warn(row, IGNORED_COLUMN, column=key)
        read = FILE_PARAMETERS if str(element.get("itemset") or "").lower().endswith(CHOICE_FILE_SUFFIX) else set()
        if set(element.get("parameters") or {}) - read:
            self.warn(row, IGNORED_COLUMN, column="parameters")

    def _texts(self, out: dict[str, Any], element: Mapping[str, Any], kind: Kind, name: str) -> None:
        defaults = kind.defaults or {}  # its English hint is left out: the form may be in another language
        for key in ("label", "interview_label", "hint"):
            if texts := self.languages.texts(element.get(key), question=name, column=key):
                out[key] = texts
        for key, ours in TEXT_BINDS.items():
            if texts := self.languages.texts((element.get("bind") or {}).get(key), question=name, column=ours):
                out[ours] = texts
        if "constraint" in (defaults.get("bind") or {}) and not (element.get("bind") or {}).get("constraint"):
            out["constraint"] = str(defaults["bind"]["constraint"])  # a phone number: digits only

    def _binds(self, out: dict[str, Any], element: Mapping[str, Any], generated: bool) -> None:
        bind = element.get("bind") or {}
        for key, ours in FLAG_BINDS.items():
            if ours == "read_only" and out["type"] in QUESTION_TYPES and QUESTION_TYPES[out["type"]].calculated:
                continue  # pyxform's calculation for a repeat_count is marked read-only; every calculation is
            if ours == "required" and key in bind and str(bind[key]).strip().lower() not in YES | NO:
                out[ours] = str(bind[key])  # required only when the expression holds
            elif key in bind and _flag(bind[key], out["name"], ours):
                out[ours] = True
        for key, ours in COPIED_BINDS.items():
            if bind.get(key):
                expression = str(bind[key])
                out[ours] = _PARENT_PATH.sub(r"${\1}", expression) if generated else expression

    def _appearance(self, element: Mapping[str, Any], kind: str, row: int | None) -> str:
        words = str((element.get("control") or {}).get("appearance") or "").split()
        allowed = GROUP_APPEARANCES if kind == "group" else QUESTION_TYPES[kind].appearances
        kept = []
        for word in words:
            if word in allowed or REFUSED_APPEARANCE.fullmatch(word):
                kept.append(word)  # refused, naming it, when the definition is checked
            elif word in TABLE_APPEARANCES:
                self.warn(row, TABLE_LAID_OUT, word=word)
            elif EXTERNAL_APP.fullmatch(word):
                self.warn(row, EXTERNAL_APP_ASKED, word=word)
            else:
                self.warn(row, N_("appearance %(word)s is not one Voces uses; ignored"), word=word)
        return " ".join(kept)

    def _choice_list(self, out: dict[str, Any], element: Mapping[str, Any], row: int | None) -> None:
        itemset = str(element.get("itemset") or "")
        if self.files is not None and itemset.lower().endswith(CHOICE_FILE_SUFFIX):
            out["choices"] = self.files.from_file(itemset, element.get("parameters") or {}, row)
            return
        if self.files is not None and element.get("type") == SHEET_SELECT:
            out["choices"] = self.files.from_sheet(itemset)
            return
        list_name = str(element.get("list_name") or itemset)
        question_type = QUESTION_TYPES[out["type"]]
        if question_type.reads_site_list and list_name == SITE_LIST:
            out["type"] = SiteType.name
            return
        out["choices"] = list_name  # a consent question offering Voces' scopes is bound when the form is read


def _for_choice(element: Any, column: Mapping[str, Any], language: str | None = None) -> Any:
    """A loop's element for one choice: its name suffixed with the choice's, %(name)s and %(label)s filled in."""
    if isinstance(element, str):
        label = column.get("label")
        if isinstance(label, Mapping):
            label = label.get(language or "") or next(iter(label.values()), "")
        return element.replace("%(name)s", str(column.get("name"))).replace("%(label)s", str(label or ""))
    if isinstance(element, list):
        return [_for_choice(item, column, language) for item in element]
    if not isinstance(element, Mapping):
        return element
    copied = {
        key: _for_choice(value, column, key if isinstance(key, str) else language) for key, value in element.items()
    }
    if "name" in element and "type" in element:
        copied["name"] = f"{element['name']}_{column.get('name')}"
    return copied


def _hidden_value(out: dict[str, Any], dynamic: bool) -> None:
    """A hidden row as the calculation of its default: its text, or its expression worked out once, as ODK sets it."""
    default = out.pop("default", "")
    if dynamic:
        out["calculation"] = f"once({default})"
    else:
        out["calculation"] = f'"{default}"' if "'" in default else f"'{default}'"


def _our_type(kind: Kind) -> str:
    """The type our definition gives an element: a question type, group or repeat."""
    if kind.repeat:
        return "repeat"
    return "group" if kind.group else kind.question_type


def _flag(value: Any, name: str, column: str) -> bool:
    text = str(value).strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    feature = Message(FLAG_EXPRESSION, {"column": column})
    raise DefinitionError(
        f"{column} must be yes or no; an expression is not supported", question=name, column=column, feature=feature
    )


def choice(raw: Mapping[str, Any], languages: Languages) -> dict[str, Any]:
    """A choice as our definition keeps it: name, label, and the columns a choice_filter reads."""
    out: dict[str, Any] = {"name": str(raw["name"]), "label": languages.texts(raw.get("label"))}
    for key, value in raw.items():
        if key not in ("name", "label", "media", ROW_KEY) and not str(key).startswith(("$", "__")) and value:
            out[str(key)] = str(value)
    return out


def walk_questions(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every question and group of a definition's items, however deeply nested."""
    for item in items:
        yield item
        yield from walk_questions(item.get("questions") or [])


def rename_references(items: list[dict[str, Any]], renamed: Mapping[str, str]) -> None:
    """Point ${old} in every expression and text of these items at the question's new name."""
    if not renamed:
        return
    pattern = re.compile("|".join(re.escape("${" + old + "}") for old in sorted(renamed, key=len, reverse=True)))

    def new(value: Any) -> Any:
        if isinstance(value, str):
            return pattern.sub(lambda found: "${" + renamed[found.group(0)[2:-1]] + "}", value)
        if isinstance(value, dict):
            return {key: new(text) for key, text in value.items()}
        return value

    for item in walk_questions(items):
        for key, value in item.items():
            if key not in ("name", "type", "questions"):
                item[key] = new(value)


def mark_named(items: list[dict[str, Any]], settings: Mapping[str, Any]) -> None:
    """Mark the testimonies and personal questions the settings list, each of a type that can be one."""
    by_name = {item["name"]: item for item in walk_questions(items)}
    for column, flag, allowed in (
        ("testimonies", "testimony", TESTIMONY_TYPES),
        ("personal", "personal", tuple(QUESTION_TYPES)),
    ):
        for name in sorted(set(str(settings.get(column) or "").split())):
            item = by_name.get(name)
            if item is None or item["type"] not in allowed or item["type"] == "group":
                raise DefinitionError(f"column {column}: {name!r} is not a {' or '.join(allowed)} question")
            item[flag] = True
    for item in by_name.values():
        multiline = "multiline" in str(item.get("appearance", "")).split()
        if multiline and item["type"] in TESTIMONY_TYPES:
            item["testimony"] = True


def fill_filter_columns(data: dict[str, Any], conversion: Conversion) -> None:
    """Give every choice the columns a choice_filter reads that its list lacks: empty, as ODK reads them."""
    for item in walk_questions(data["questions"]):
        choices = data["choices"].get(item.get("choices"), [])
        if not item.get("choice_filter") or not choices:
            continue
        try:
            read = references(choice_filter_expression(item["choice_filter"]))
        except ExpressionError:
            continue  # refused, naming it, when the definition is checked
        present = {"name"} | {key for c in choices for key in c if key != "label"}
        for column in sorted(r.removeprefix(CHOICE_PREFIX) for r in read if r.startswith(CHOICE_PREFIX)):
            if column not in present:
                conversion.warn(
                    conversion.rows.get(item["name"]),
                    N_(
                        "choice_filter reads %(column)s, a column list %(list)s does not have: "
                        "it is empty for every choice"
                    ),
                    column=column,
                    list=item["choices"],
                )
                for c in choices:
                    c[column] = ""
                present.add(column)
