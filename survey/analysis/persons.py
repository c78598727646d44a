"""People's names in free text, Spanish and English: name lists, cue words and capitalisation.

A capitalised word is a person's name when a cue stands before it ("mi vecino", "la señora",
"Mr", "se llama"), when it is a first name of the lists, or when it is a surname next to another
name; it is a place or an organisation, and stays, when it is one of the places given, starts
with a word such as "Hospital" or "Fundación", or follows "en", "in" or an article. A name once
found is hidden wherever it appears again in the text, in any case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib.resources import files
from typing import NamedTuple

from survey.analysis.places import ORGANISATION_WORDS, PLACES, place_phrases
from survey.analysis.text import MAX_REMEMBERED_WORDS, CaseBlind, fold

WORD = r"[^\W\d_](?:[\w'’-]*[^\W\d_])?\.?"
# Each word with what stands between it and the word before (no letter: a letter starts a word), then
# what follows the last word with no word. Every match starts where the last one ended and cannot fail
# there, so a long run of digits is read once, not once per position.
GAP_AND_WORD = re.compile(rf"([\W\d_]*+)({WORD}|\Z)")
# Titles and the words of kinship, trade and role that put a name after them.
TITLES = frozenset(
    str.split(
        "don dona senor senora sr sra srta dr dra doctor doctora lic licenciado licenciada ing profe "
        "mr mrs ms miss mister dr sir madam auntie aunty uncle officer constable sergeant sgt nurse pastor "
        "father padre fray sister hermana sor justice judge det detective"
    )
)
ROLES = frozenset(
    str.split(
        "vecino vecina vecinos hermano hermana hermanos primo prima tio tia sobrino sobrina abuelo abuela "
        "nieto nieta hijo hija papa mama padre madre esposo esposa marido mujer novio novia cunado cunada "
        "suegro suegra compadre comadre amigo amiga companero companera jefe patron patrona psicologo "
        "psicologa psiquiatra medico medica enfermero enfermera profesor profesora maestro maestra "
        "trabajadora trabajador promotora promotor abogado abogada comandante alcalde alcaldesa concejal "
        "fiscal juez jueza cura pastor coordinador coordinadora lider lideresa ex paciente clinico responsable "
        "teniente capitan sargento coronel cabo patrullero agente inspector "
        "neighbour neighbor brother sister cousin son daughter mom mum mother dad father husband wife "
        "partner boyfriend girlfriend friend grandmother grandma grandfather grandpa nephew niece aunt "
        "counsellor counselor caseworker worker sponsor landlord dealer doctor teacher sergeant paramedic "
        "nurse officer boss ex"
    )
)
# Phrases after which the next word is a name even in lower case.
NAMING = CaseBlind(
    r"\b(?:se\s+llama(?:ba)?|me\s+llamo|mi\s+nombre\s+es|su\s+nombre\s+es|un\s+tal|una\s+tal|"
    r"le\s+dec[ií]an|(?:remitid[oa]|atendid[oa]|firmado|referid[oa])\s+por|le\s+dicen|alias|apodad[oa]|conocid[oa]\s+como|nombre|apellidos?|"
    r"my\s+name\s+is|name\s+is|named|called|call\s+(?:him|her|me)|calls\s+(?:him|her|me)|"
    r"a\s+guy|a\s+woman|a\s+man|a\s+lady|a\s+kid)\b[\s:,]*(?:(?:el|la)\s+)?"
)
# Words whose capital is no sign of a name: "Mi hermano", "Esperanza es lo que nos queda".
ARTICLES = frozenset(str.split("el la los las lo the"))
PLACE_BEFORE = frozenset(
    str.split(
        "en de del desde hasta hacia para por a al in at from to near of on into across around barrio vereda "
        "comuna sector colonia corregimiento municipio pueblo departamento town village"
    )
)
PARTICLES = frozenset(str.split("de del la las los da das do dos van von der"))
# Nicknames by what someone looks like or where they come from: "el Flaco", "la Mona".
NICKNAMES = frozenset(
    str.split(
        "flaco flaca mono mona negro negra gordo gorda chino china mocho mocha zarco zarca paisa costeno "
        "costena pelado pelada tuerto cojo calvo mello mella indio india rolo rola pollo enano enana "
        "cucho cucha mico mica chiqui pecas guero guera chato chata"
    )
)
# Words of Spanish and English that the name lists also hold: a name only with a capital away from
# the start of a sentence, or after a cue.
COMMON = frozenset(
    str.split(
        "una alta salud cara segundo campo campos luz maximo maxima nina nino severo abril clara blanca blanco "
        "transito benigna benigno julio lisa corona dolores ella nacio ever pastor concha pilar said franco "
        "marco guy sierra tono don edu izquierdo le mas cabo colon polo agudo delgado cabeza angulo camara "
        "rojo cortes diez paredes hierro barrio mayo graves porta arco cuadrado fuente stone parada cadenas "
        "cadena bueno pareja coca sala puente sola real grande puerta amigo guardia villa plana cerro lagos "
        "canales cabello sales paz sol mar cruz rosa rosario esperanza consuelo amparo socorro victoria "
        "gloria soledad cielo estrella milagros mercedes angeles reyes rey fe alba leal bravo moreno rubio "
        "guerra iglesias vega mesa leon lobo toro rico santos vidal prado nieto calle flores rivera montes "
        "will may june april mark bill rose hope joy grace faith sky river summer autumn dawn may art bob "
        "pat frank rich sunny honey young king white brown black green long hill wood street church hall "
        "park lane bell dean earl jack page cook baker rice wells ford gay price hunter carter grant chance "
        "major miles sterling mercy christian angel jesus dios cristo virgen santa san santo nuestra senora "
        "so the and her his him you via bay holly ivy lily daisy amber ruby crystal jade destiny trinity "
        "harmony heaven love lucky happy merry rain storm snow north south east west i "
        "monday tuesday wednesday thursday friday saturday sunday january february march july august "
        "september october november december christmas easter navidad semana lunes martes miercoles jueves "
        "viernes sabado domingo enero febrero marzo junio agosto septiembre octubre noviembre diciembre"
    )
)
MAX_NAME_WORDS = 5
DEMONYM_ENDINGS = ("ian", "ean", "can", "ese", "ish", "ense", "eno", "ena", "uelan", "ano", "ana")
UNKNOWN_WORDS = True  # a capitalised word no list knows, inside a sentence: hidden (a name left is worse)
LOWER_MIN = 3  # a lower-case word after a cue is a name only when it is this long


class _Word(NamedTuple):
    start: int
    end: int
    text: str
    folded: str
    capital: bool
    opens: bool  # the first word of a sentence or of a line


OPENING = re.compile(r"[.!?¡¿:;\n\"«“(\[]")
_folded = lru_cache(maxsize=MAX_REMEMBERED_WORDS)(fold)  # testimonies repeat their words
_new_word = tuple.__new__  # a word made without the named tuple's own __new__, called for every word


@lru_cache(maxsize=1)
def name_lists() -> tuple[frozenset[str], frozenset[str]]:
    """First names and surnames (folded) from the file shipped with the package."""
    first: set[str] = set()
    last: set[str] = set()
    current = first
    for line in files("survey.analysis").joinpath("person_names.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = first if line == "[first]" else last
            continue
        current.add(fold(line))
    return frozenset(first), frozenset(last)


@lru_cache(maxsize=1)
def _name_words() -> frozenset[str]:
    """The listed names that are no common word: a name even in lower case after a cue."""
    first, last = name_lists()
    return (first | last) - COMMON


def _words(text: str) -> list[_Word]:
    words: list[_Word] = []
    position = 0
    after_title = False
    full_stop = False  # the word before ended with a full stop, which opens this word's sentence
    for gap, raw in GAP_AND_WORD.findall(text):
        if not raw:
            break  # the end of the text
        start = position + len(gap)
        end = position = start + len(raw)
        folded = _folded(raw)
        opens = not words or (not after_title and (full_stop or (gap != " " and OPENING.search(gap) is not None)))
        after_title = full_stop = False
        if raw[-1] == ".":
            if folded[:-1] in TITLES:
                after_title = True  # "Dr. Sarah"
            else:
                raw, end, folded, full_stop = raw[:-1], end - 1, folded[:-1], True  # a full stop, not an abbreviation
        words.append(_new_word(_Word, (start, end, raw, folded, raw[0].isupper(), opens)))
    return words


def _joined(text: str, left: _Word, right: _Word) -> bool:
    """Say whether two words stand in one name: only spaces or a hyphen between them."""
    gap = text[left.end : right.start]
    return gap in (" ", "-") or (0 < len(gap) <= 3 and not gap.strip())


def _label(text: str, word: _Word) -> bool:
    """Say whether a word is a form's label ("Sexo:") or no name at all ("NºCol", "IgG", "ICBF")."""
    return text[word.end : word.end + 1] == ":" or _no_name(word.text)


@lru_cache(maxsize=MAX_REMEMBERED_WORDS)
def _no_name(word: str) -> bool:
    """Say whether a word's letters make it no name: "NºCol", "IgG", "ICBF"."""
    return (
        any(c in "ºª" or c.isdigit() for c in word)
        or (len(word) > 1 and word.isupper())
        or any(a.islower() and b.isupper() for a, b in zip(word, word[1:], strict=False))
    )


def _runs(text: str, words: Sequence[_Word]) -> list[list[int]]:
    """Runs of capitalised words, joined by particles: "María de la Cruz", "Hospital San Vicente de Paúl"."""
    runs: list[list[int]] = []
    i = 0
    while i < len(words):
        if not words[i].capital or words[i].folded in PARTICLES or _label(text, words[i]):
            i += 1
            continue
        run = [i]
        j = i + 1
        while j < len(words) and _joined(text, words[j - 1], words[j]):
            if _label(text, words[j]):
                break
            if words[j].capital and not words[j].opens:
                run.append(j)
                j += 1
                continue
            k = j
            while k < len(words) and words[k].folded in PARTICLES and not words[k].capital and k - j < 3:
                k += 1
            if k > j and k < len(words) and words[k].capital and _joined(text, words[k - 1], words[k]):
                run.extend(range(j, k + 1))
                j = k + 1
                continue
            break
        runs.append(run)
        i = j
    return runs


class _Places:
    """The places known to all testimonies, and those given for this one (its site's)."""

    def __init__(self, given: frozenset[str]) -> None:
        self.given = given

    def __contains__(self, phrase: object) -> bool:
        return phrase in PLACES or phrase in self.given


class _Finder:
    """The names in one text."""

    def __init__(self, text: str, places: _Places) -> None:
        self.text = text
        self.words = _words(text)
        self.first, self.last = name_lists()
        self.places = places
        self.found: list[tuple[int, int]] = []

    def _before(self, index: int) -> _Word | None:
        if index > 0 and _joined(self.text, self.words[index - 1], self.words[index]):
            return self.words[index - 1]
        return None

    def _cue(self, index: int) -> bool:
        """Say whether a title or role stands just before this word ("mi vecino Carlos", "Mr. Patel")."""
        before = self._before(index)
        if index > 0 and before is None:
            previous = self.words[index - 1]  # "Mi mamá, Ana Lucía", "My sister, Jennifer"
            gap = self.text[previous.end : self.words[index].start].strip()
            return gap in (",", ":") and previous.folded in ROLES and previous.folded not in TITLES
        if before is None:
            return False
        key = before.folded.rstrip(".")
        return key in TITLES or key in ROLES

    def _is_place(self, names: Sequence[_Word]) -> bool:
        phrase = " ".join(w.folded.rstrip(".") for w in names)
        if phrase in self.places or any(w.folded in ORGANISATION_WORDS for w in names):
            return True
        return any(w.text.isupper() and len(w.text) >= 2 for w in names)  # RCMP, ICBF, ELN

    def _person_words(self, run: list[int]) -> list[int]:
        """The words of a capitalised run that are a person's name (none when it names a place)."""
        while len(run) > 1 and (self.words[run[0]].folded.rstrip(".") in TITLES or self._ordinary_opening(run[0])):
            run = run[1:]  # "Dr. Sarah Collins": the title stays; "Ayer María": the sentence's first word too
        while len(run) > 1 and self.words[run[0]].folded in PARTICLES:
            run = run[1:]
        words = [self.words[k] for k in run]
        head = words[0]
        if head.folded in ARTICLES or head.folded in ORGANISATION_WORDS:
            return []  # "La Esperanza", "El Charco", "Hospital San Vicente"
        cut = next((i for i, w in enumerate(words) if i and w.folded in ORGANISATION_WORDS), len(words))
        leads = head.folded in self.first and head.folded not in COMMON
        if cut < len(words) and (leads or self._cue(run[0])):
            run, words = run[:cut], words[:cut]  # "Dr. Roberto Ballestero Servicio de Urología"
            while words and words[-1].folded in PARTICLES:
                run, words = run[:-1], words[:-1]
        return run if self._looks_like_person(run, words) else []

    def _ordinary_opening(self, index: int) -> bool:
        """Say whether a word is capitalised only because it opens a sentence ("Ayer", "Yesterday")."""
        word = self.words[index]
        listed = word.folded in self.first or word.folded in self.last
        ordinary = word.opens and (not listed or word.folded in COMMON) and word.folded not in ARTICLES
        if ordinary and listed and index + 1 < len(self.words):
            following = self.words[index + 1].folded
            ordinary = following not in self.last  # "Lisa Chen from outreach"
        return ordinary and not self._cue(index)

    def _looks_like_person(self, run: list[int], words: list[_Word]) -> bool:
        names = [w for w in words if w.folded not in PARTICLES]
        if not names:
            return False  # a particle left alone: "Salí De casa" once the sentence's first word is set aside
        head = words[0]
        if len(names) == 1 and len(head.text) < 2:
            return False  # "I", an initial
        if self._cue(run[0]):
            return not (len(names) == 1 and names[0].folded in self.places)
        if self._is_place(names):
            return False
        before = self._before(run[0])
        after_place_word = before is not None and before.folded in PLACE_BEFORE | ARTICLES
        known_first = [w for w in names if w.folded in self.first]
        known = [w for w in names if w.folded in self.first or w.folded in self.last]
        if len(names) >= 2:
            leader = names[0].folded in self.first and names[0].folded not in self.places
            if any(w.folded in self.places for w in names) and not leader:
                return False  # "Albacete España", "Villaviciosa de Odón Madrid"
            return len(known) >= 1 and not (after_place_word and not known_first)
        single = names[0]
        if len(names) > 1 or len(single.text) < 2:
            return False
        if single.folded in self.first:
            if single.folded in COMMON:
                return not head.opens and not after_place_word
            return not (before is not None and before.folded in ARTICLES)
        if single.folded in self.last:
            return not head.opens and not after_place_word and single.folded not in COMMON
        # A word no list knows, capitalised inside a sentence and not after "en", "in" or an article
        if single.folded.startswith(("i'", "i’")) or single.folded.endswith(DEMONYM_ENDINGS):
            return False  # "I'm", "Venezuelan", "Canadian", "Costeño"
        return UNKNOWN_WORDS and not head.opens and not after_place_word and single.folded not in COMMON

    def capitalised(self) -> None:
        for run in _runs(self.text, self.words):
            person = self._person_words(run)
            if person:
                self.found.append((self.words[person[0]].start, self.words[person[-1]].end))

    def nicknames(self) -> None:
        for k, word in enumerate(self.words[1:], start=1):
            if not word.capital or word.folded not in NICKNAMES:
                continue  # most words: the word before need not be looked at
            before = self._before(k)
            if before is not None and before.folded in ("el", "la"):
                self.found.append((word.start, word.end))

    def named(self) -> None:
        """Names after "se llama", "me llamo", "called", "alias", "Nombre:", in any case."""
        for cue in NAMING.finditer(self.text):
            self._take_from(cue.end())
        name_words = _name_words()
        for k, word in enumerate(self.words):
            if word.folded in name_words and not word.capital and len(word.folded) >= LOWER_MIN and self._cue(k):
                self._take_from(word.start)

    def _is_name_word(self, word: _Word) -> bool:
        return word.folded in _name_words()

    def _take_from(self, position: int) -> None:
        """Take the name that starts at this position: capitalised words, or listed ones in lower case."""
        start = end = -1
        taken = 0
        for k, word in enumerate(self.words):
            if word.start < position:
                continue
            if start >= 0 and not _joined(self.text, self.words[k - 1], word):
                break
            if start < 0 and word.folded.rstrip(".") in TITLES:
                position = word.end + 1  # "Remitido por: Dr. Antonio"
                continue
            capitalised = word.capital and word.folded not in ARTICLES and not _label(self.text, word)
            usable = capitalised or self._is_name_word(word)
            if start < 0 and word.start - position > 2:
                break
            listed = word.folded in self.first or word.folded in self.last
            if start >= 0 and word.folded in PARTICLES:
                following = self.words[k + 1] if k + 1 < len(self.words) else None
                if following is not None and following.capital and _joined(self.text, word, following):
                    continue  # "Pilar del Río Martínez"
                break
            if not usable or (word.folded in ORGANISATION_WORDS and not listed):
                break
            if start < 0:
                if word.capital and self._is_place([word]) and word.folded not in self.first:
                    break
                start = word.start
            end, taken = word.end, taken + 1
            if taken >= MAX_NAME_WORDS:
                break
        if start >= 0:
            self.found.append((start, end))

    def repeats(self) -> None:
        """A name found once is hidden wherever else it appears, in any case."""
        parts = {
            folded
            for s, e in self.found
            for p in self.text[s:e].split()
            if len(p) >= LOWER_MIN
            and (folded := _folded(p)) not in COMMON
            and folded not in PARTICLES
            and folded not in TITLES
        }
        if not parts:
            return
        for word in self.words:
            if word.folded.rstrip(".") in parts:
                self.found.append((word.start, word.end))


def find_person_names(text: str, places: Iterable[str] = ()) -> list[tuple[int, int, str]]:
    """Find people's names as (start, end, "name"); `places` adds place names that must stay."""
    finder = _Finder(text, _Places(place_phrases(places)))
    finder.capitalised()
    finder.nicknames()
    finder.named()
    finder.repeats()
    return [(start, end, "name") for start, end in sorted(set(finder.found))]
