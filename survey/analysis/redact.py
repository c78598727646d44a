"""Remove personal details before anyone but an administrator reads a testimony."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from survey.analysis.addresses import find_addresses
from survey.analysis.persons import find_person_names
from survey.analysis.text import CaseBlind, fold, fold_with_offsets, original_span

# Full-width forms (ｍａｒｉａ＠ｇｍａｉｌ．ｃｏｍ) and small or leader look-alikes of "@" and ".", read
# as their ASCII letters so every pattern sees them; one character for one, so offsets hold.
NARROW = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 32, 0xFE6B: 64, 0xFE52: 46, 0x2024: 46}
WIDE = re.compile("[\uff01-\uff5e\u3000\ufe6b\ufe52\u2024]")  # translating costs ten times more than looking

# Every pattern is bounded or anchored (lookbehinds, possessive groups), so a 100 kB run of
# letters or digits is scanned once, not once per position.
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
URL = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
# Profiles on the sites people share, written without www. or http: facebook.com/juan.perez.77.
SOCIAL_URL = re.compile(
    r"(?<![\w.@/-])(?:(?:[\w-]{1,30}\.)?(?:facebook|fb|instagram|tiktok|twitter|x|youtube|linkedin)\.com"
    r"|wa\.me|t\.me|youtu\.be)/[^\s<>\"']+",
    re.IGNORECASE,
)
# E-mail addresses written to get past filters: maria.lopez at gmail dot com, maria.lopez(at)gmail.com,
# maria.lopez [at] gmail [dot] com, maria arroba gmail punto com. Labels are bounded and the
# separators start with a character no label holds, so each start is tried once.
_BRACKETED = r"[ \t]*[(\[{{<][ \t]*(?:{})[ \t]*[)\]}}>][ \t]*"
_AT = rf"(?:{_BRACKETED.format('at|arroba')}|[ \t]+@[ \t]+|@[ \t]*|[ \t]+arroba[ \t]+|[ \t]+(?P<bare>at)[ \t]+)"
_DOT = rf"(?:{_BRACKETED.format('dot|punto')}|[ \t]+(?:dot|punto|\.)[ \t]+|\.)"
SPELLED_EMAIL = re.compile(
    rf"(?<![\w.+@-])(?P<local>[^\W_][\w+-]{{0,63}}+(?:{_DOT}[\w+-]{{1,64}}+){{0,4}}){_AT}"
    rf"(?:[\w-]{{1,63}}+{_DOT}){{1,4}}(?P<tld>[^\W\d_]{{2,24}}+)(?![\w-]|\.\w)",
    re.IGNORECASE,
)
DOTTED_WORD = re.compile(r"\.[^\W\d_]")  # starts with a literal: the engine skips to each "."
HANDLE = re.compile(r"(?<![\w.+@-])@\w[\w.]{0,29}")  # @juanperez77; e-mails have a word before @
TRAILING = ".,;:!?)]}»”’'\""  # punctuation that ends a sentence, not a link

_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014\u2212"
_SEP = rf"(?:[ \t]?[.{_DASHES}][ \t]?|\s)"
# Phone numbers as people write them: +57 310 555 1234, (604) 555-0199, 55 1234 5678, 3105551234,
# +52 1 55 1234 5678, 1-800-555-0199, 310–555–1234. Possessive groups: one way to split digits.
PHONE = re.compile(
    rf"(?<![\w+])(?:\+\d{{1,3}}+{_SEP}?)?(?:\(\d{{1,4}}+\){_SEP}?)?\d{{1,4}}+(?:{_SEP}?\d{{1,4}}+){{1,6}}+(?!\w)"
)
GLUED_PHONE = re.compile(r"(?<=[^\W\d_])\d{10,15}+(?!\d)")  # cel3105551234
# A number spelled out digit by digit so that no filter sees it: 3 0 0 1 2 3 4 5 6 7, 3-0-0-1-2-3-4.
SPACED_DIGITS = re.compile(r"(?<![\w+])(?<!\d[ \t.-])\d(?:[ \t]?[.-][ \t]?\d|[ \t]\d){6,14}+(?!\w|[ \t]?[.-]?[ \t]?\d)")
# Identity-card-like numbers: 1.023.456.789 or 1,023,456,789 (Colombian cédula), a long run of
# digits, or a Mexican CURP.
ID_NUMBER = re.compile(r"(?<![\w.,])(?:\d{1,3}(?:\.\d{3}){2,3}|\d{1,3}(?:,\d{3}){2,3}|\d{6,12})(?!\w|[.,]\d)")
GROUPED = re.compile(r"\d{1,3}(?:\.\d{3}){2,3}")
CURP = re.compile(r"(?<!\w)[A-Z]{4}\d{6}[HM][A-Z]{5}[A-Z0-9]\d(?!\w)", re.IGNORECASE)
# Amounts are no identity: $1.500.000, 1.500.000 (de) pesos, USD 2,000,000.
MONEY_BEFORE = re.compile(r"(?:[$€£]|\b(?:usd|cop|mxn|eur)\b)[ \t]?\Z", re.IGNORECASE)
MONEY_AFTER = re.compile(
    r"[ \t]?(?:de[ \t]+)?(?:pesos?|d[oó]lar(?:es)?|dolares|dollars?|usd|cop|mxn|euros?|reales|soles|bol[ií]vares)\b",
    re.IGNORECASE,
)
DATE = re.compile(r"\d{1,2}([-./\s])\d{1,2}\1(?:19|20)\d\d|(?:19|20)\d\d([-./\s])\d{1,2}\2\d{1,2}")
YEAR = re.compile(r"(?:19|20)\d\d")
ANY_DIGIT = re.compile(r"\d")
MIN_PHONE_DIGITS, MAX_PHONE_DIGITS = 7, 15


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Frequent English, Spanish and Portuguese words, folded: a name's part that is one of these
# ("de", "la", "no", "casa") is not redacted on its own, only within the whole name.
COMMON_WORDS = _words(
    """
    the be to of and a an in on at by for from with about into over after before since than
    that this these those there here it its is are was were been being am have has had do does
    did done not no yes but or if so as up out down off all any some many much more most other
    only just also very still even again never always now then when where why how what which
    who we you they he she him her his our your their them us me my mine i one two first new
    good well back way time day year years people life work home family house street town city
    know think said say get got go went come came make made take took see saw want like can
    could would should will may might must
    de del la las los el lo le les un una unos unas y e o u al en con por para sin sobre entre
    hasta desde hacia que quien como cuando donde porque pero mas ya si tambien muy mucho mucha
    muchos muchas poco todo toda todos todas nada algo otro otra otros otras mismo este esta
    estos estas ese esa eso esos esas aqui alli ahi ahora antes despues luego siempre nunca hoy
    ayer manana yo tu usted ustedes ella ellos ellas nosotros nos te se mi mis su sus ser es son
    era fue soy somos estar estan estoy estamos hay habia ha han tener tiene tienen tengo hacer
    hace dijo ir va van vamos puede pueden bien mal bueno buena mejor peor vez veces ano anos dia
    dias casa calle barrio vereda pueblo ciudad gente vida familia trabajo gracias senor senora
    da das do dos os as um uma nao sim em com von der
    """
)
# After a bare "at" an address must end as addresses do, and its first word be none that comes
# before "at" in a sentence: "look at gmail dot com", "we met at home.Com" stay.
MAIL_ENDINGS = _words(
    """
    com org net edu gov info biz io co mx es ar cl pe ec ve bo uy py cr gt hn sv ni pa do cu br us uk ca de fr it
    pt nl eu
    """
)
BEFORE_AT = COMMON_WORDS | _words(
    """
    look looked looking looks stare stared laugh laughed arrive arrived arrives stay stayed stays met meet
    meeting work worked works working live lived lives living sat sit sitting stood stand born seen found left
    available online email mail contact reach reached write wrote aimed aim good great bad best better worse
    worst well staff nurse nurses doctor doctors seen treated admitted shop shopping ordered bought booked
    """
)
# Words that may join the capitalised words of a name: María de la Cruz, Ludwig van Beethoven.
PARTICLES = _words("de del la las los y e da das do dos van von der")
# After "soy" or "I am" a capitalised word may be what one is, not who: "I am Venezuelan".
NOT_A_NAME = COMMON_WORDS | _words(
    """
    colombian colombiano colombiana venezuelan venezolano venezolana mexican mexicano mexicana
    american brazilian peruvian ecuadorian latino latina catholic muslim indigenous indigena afro
    black white sorry fine happy sure afraid scared tired grateful glad okay ok
    """
)

_MARKS = "\u0300-\u036f"
# Only the phrase ignores case: the name after it must start with a capital letter.
SELF_NAMED = CaseBlind(
    r"\b(?:(?P<strong>my\s+name\s+is|i\s+am\s+called|me\s+llamo|mi\s+nombre\s+es)|soy|i['’]m|i\s+am)\b"
    r"[^\S\n]*:?[^\S\n]*"
)
NAME_WORD = re.compile(rf"[^\W\d_][\w'’{_MARKS}-]*")
NAME_GAP = re.compile(r"[^\S\n]+")
MAX_NAME_WORDS, MAX_PARTICLES, MAX_WORD = 5, 3, 40


@dataclass(frozen=True, slots=True)
class RedactedSpan:
    """What was removed: its kind, where it was, and where its placeholder is now."""

    kind: str
    start: int
    end: int
    new_start: int
    new_end: int


@dataclass(frozen=True, slots=True)
class Redaction:
    """A text with personal details replaced by placeholders such as [email]."""

    text: str
    spans: tuple[RedactedSpan, ...]


def _digits(s: str) -> int:
    return sum(c.isdigit() for c in s)


def _trim(text: str, start: int, end: int) -> int:
    """The end of a link without the punctuation that closes the sentence around it."""
    while end > start + 1 and text[end - 1] in TRAILING:
        end -= 1
    return end


def _money(text: str, start: int, end: int) -> bool:
    return bool(MONEY_BEFORE.search(text, max(0, start - 6), start) or MONEY_AFTER.match(text, end))


def _is_phone(text: str, start: int, end: int) -> bool:
    number = text[start:end]
    if not MIN_PHONE_DIGITS <= _digits(number) <= MAX_PHONE_DIGITS:
        return False
    if GROUPED.fullmatch(number) or DATE.fullmatch(number) or _money(text, start, end):
        return False  # an identity number (found as such), a date or an amount
    if "+" in number or "(" in number:
        return True
    groups = re.findall(r"\d+", number)
    if all(YEAR.fullmatch(g) for g in groups):
        return False  # 2021-2023, 2019 2020
    # 10 20 30 40 50 is a list of numbers, not a phone; 30 01 23 45 67 is one (a group starts with 0)
    small = all(len(g) <= 2 for g in groups) and not any(len(g) == 2 and g[0] == "0" for g in groups)
    return not (small and not re.search(r"[^\d\s]", number))


def _is_spelled_phone(text: str, start: int, end: int) -> bool:
    """Say whether digits written one by one are a phone number, not a count (1 2 3 4 5 6 7)."""
    digits = [int(c) for c in text[start:end] if c.isdigit()]
    steps = {b - a for a, b in zip(digits, digits[1:], strict=False)}
    return steps not in ({1}, {-1}, {0}) and not _money(text, start, end)


def _is_spelled_email(match: re.Match[str]) -> bool:
    """Say whether a bare "at" joins an address ("maria at gmail dot com"), not a sentence ("look at")."""
    known_ending = fold(match.group("tld")) in MAIL_ENDINGS
    if " . " in match.group():  # or a sentence's end: "a @ vox_es . Pero"
        return known_ending
    return match.group("bare") is None or (known_ending and fold(match.group("local")) not in BEFORE_AT)


def _spelled_emails(text: str) -> list[tuple[int, int, str]]:
    found = []
    position = 0
    while (m := SPELLED_EMAIL.search(text, position)) is not None:
        if _is_spelled_email(m):
            found.append((m.start(), m.end(), "email"))
            position = m.end()
        else:  # "me at maria dot lopez" fails; "maria dot lopez at gmail dot com" may start inside it
            position = m.start() + 1
    return found


def _self_named(text: str) -> list[tuple[int, int, str]]:
    """Names people give themselves: "me llamo María de la Cruz", "I'm John Smith"."""
    found = []
    for intro in SELF_NAMED.finditer(text):
        position, start, end, names, particles = intro.end(), -1, -1, 0, 0
        while names < MAX_NAME_WORDS:
            word = NAME_WORD.match(text, position)
            if word is None or len(word.group()) > MAX_WORD:
                break
            folded = fold(word.group())
            if folded in PARTICLES:
                particles += 1
                if not names or particles > MAX_PARTICLES:
                    break  # "soy de Tumaco" says where one is from
            elif word.group()[0].isupper():
                if not names and intro.group("strong") is None and folded in NOT_A_NAME:
                    break  # "I am Happy", "Soy Colombiana"
                start = word.start() if start < 0 else start
                end, names, particles = word.end(), names + 1, 0
            else:
                break
            gap = NAME_GAP.match(text, word.end())
            if gap is None:
                break
            position = gap.end()
        if names:
            found.append((start, end, "name"))
    return found


def _significant(part: str) -> bool:
    """Say whether one part of a name may be redacted wherever it appears on its own."""
    return sum(c.isalpha() for c in part) >= 3 and part not in COMMON_WORDS


def _alternatives(items: Iterable[str]) -> str:
    return "|".join(sorted(set(items), key=len, reverse=True))


def _name_spans(text: str, names: Iterable[str]) -> list[tuple[int, int, str]]:
    """Find the names given elsewhere in the response, whole words, ignoring case and accents.

    A whole name ("María de la Cruz") is found first, then its parts that could only be a name
    ("maria", "cruz"), never one as common as "la" or "no".
    """
    wholes: set[str] = set()
    parts: set[str] = set()
    for name in names:
        folded = [p for p in (fold(raw) for raw in name.split()) if p]
        if not folded or sum(c.isalnum() for p in folded for c in p) < 3:
            continue
        if any(p not in COMMON_WORDS for p in folded):
            wholes.add(r"\s+".join(map(re.escape, folded)))
        parts.update(re.escape(p) for p in folded if _significant(p))
    if not wholes and not parts:
        return []
    folded_text, starts = fold_with_offsets(text)
    found = []
    for alternatives in (wholes, parts):
        if alternatives:
            pattern = re.compile(rf"(?<!\w)(?:{_alternatives(alternatives)})(?!\w)")
            for m in pattern.finditer(folded_text):
                if m.end() > m.start():
                    found.append((*original_span(starts, m.start(), m.end()), "name"))
    return found


def _find_spans(text: str, names: Iterable[str], places: Iterable[str]) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    # Each pattern runs only where what it needs is in the text: most testimonies hold no "@",
    # no link and no digit, and skipping their patterns halves the time redaction takes.
    lowered = text.lower()
    if any(w in lowered for w in ("@", "dot", "punto", "arroba")) or ("at" in lowered and DOTTED_WORD.search(text)):
        found += _spelled_emails(text)
    if "@" in text:
        found += [(m.start(), m.end(), "email") for m in EMAIL.finditer(text)]
        found += [(m.start(), m.start() + len(m.group().rstrip(".")), "handle") for m in HANDLE.finditer(text)]
    if "/" in text or "ww." in text.casefold():
        found += [(m.start(), _trim(text, m.start(), m.end()), "url") for m in URL.finditer(text)]
        found += [(m.start(), _trim(text, m.start(), m.end()), "url") for m in SOCIAL_URL.finditer(text)]
    if ANY_DIGIT.search(text):
        found += [(m.start(), m.end(), "phone") for m in PHONE.finditer(text) if _is_phone(text, m.start(), m.end())]
        found += [(m.start(), m.end(), "phone") for m in GLUED_PHONE.finditer(text)]
        found += [(*m.span(), "phone") for m in SPACED_DIGITS.finditer(text) if _is_spelled_phone(text, *m.span())]
        found += find_addresses(text)
        found += [(m.start(), m.end(), "id") for m in ID_NUMBER.finditer(text) if not _money(text, m.start(), m.end())]
        found += [(m.start(), m.end(), "id") for m in CURP.finditer(text)]
    found += _self_named(text)
    found += _name_spans(text, names)
    found += find_person_names(text, places)
    return found


def redact(text: str, names: Iterable[str] = (), places: Iterable[str] = ()) -> Redaction:
    """Replace e-mails, links, handles, phone and ID numbers, addresses, people's names and the given
    names with placeholders; `places` are place names (the programme's sites) that stay."""
    plain = text.translate(NARROW) if not text.isascii() and WIDE.search(text) else text
    spans = sorted(_find_spans(plain, names, places), key=lambda s: (s[0], -(s[1] - s[0])))
    kept: list[tuple[int, int, str]] = []
    for start, end, kind in spans:
        if kept and start < kept[-1][1]:  # overlaps a span already kept: redact both as one
            first, last, first_kind = kept[-1]
            if end > last:
                kept[-1] = (first, end, first_kind if last - first >= end - start else kind)
            continue
        kept.append((start, end, kind))
    pieces: list[str] = []
    result: list[RedactedSpan] = []
    cursor = position = 0
    for start, end, kind in kept:
        pieces.append(text[cursor:start])
        position += start - cursor
        placeholder = f"[{kind}]"
        pieces.append(placeholder)
        result.append(RedactedSpan(kind, start, end, position, position + len(placeholder)))
        position += len(placeholder)
        cursor = end
    pieces.append(text[cursor:])
    return Redaction("".join(pieces), tuple(result))
