"""regex(): the pattern subset Python and JavaScript read alike, rewritten for Python's re."""

from __future__ import annotations

import re
import warnings
from functools import lru_cache

from survey.questionnaire.expressions.parsing import error_at

# regex() patterns are read once, by the same rules in Python and JavaScript, and rewritten for
# each engine (Python: re.ASCII; JavaScript: the 'u' flag) so that both match the same strings.
# Constructs on which the engines differ are refused: named groups, lookbehind, inline flags,
# backreferences, possessive quantifiers, letter escapes other than \d \D \w \W \s \S \b \B
# \n \r \t \f \v \xHH \uHHHH, and empty '[]' or '[^]'.

_JS_SPACE = (  # JavaScript's \s, as the body of a Python character class
    "\\t\\n\\x0b\\x0c\\r \\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
)
_CONTROL_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "f": "\f", "v": "\v"}
_HEX_DIGITS = "0123456789abcdefABCDEF"
_BRACES = re.compile(r"\{([0-9]+)(?:(,)([0-9]*))?\}")
_MAX_REPEAT = 1000


class _BadPattern(Exception):
    """A regex() pattern outside the subset Python and JavaScript agree on."""


def _read_escape(pattern: str, i: int, in_class: bool) -> tuple[tuple[str, str], int]:
    """Read the escape at pattern[i] ('\\'): ('class'|'assert'|'char', what) and the next index."""
    if i + 1 >= len(pattern):
        raise _BadPattern
    letter = pattern[i + 1]
    if letter in "dDwWs" or (letter == "S" and not in_class):
        return ("class", letter), i + 2
    if letter == "b" and in_class:
        return ("char", "\b"), i + 2
    if letter in "bB" and not in_class:
        return ("assert", letter), i + 2
    if letter in _CONTROL_ESCAPES:
        return ("char", _CONTROL_ESCAPES[letter]), i + 2
    width = {"x": 2, "u": 4}.get(letter, 0)
    if width:
        digits = pattern[i + 2 : i + 2 + width]
        if len(digits) != width or any(digit not in _HEX_DIGITS for digit in digits):
            raise _BadPattern
        code = int(digits, 16)
        if 0xD800 <= code <= 0xDFFF:
            raise _BadPattern
        return ("char", chr(code)), i + 2 + width
    if letter.isascii() and letter.isalnum():
        raise _BadPattern
    return ("char", letter), i + 2


def _python_literal(char: str, in_class: bool) -> str:
    """One literal character, escaped for Python's re."""
    if in_class:
        return "\\" + char if char in "\\]^-[&~|" else char
    return re.escape(char)


def _read_class(pattern: str, i: int) -> tuple[str, int]:
    """Read the character class at pattern[i] ('['); return its Python form and the next index."""
    i += 1
    negate = pattern.startswith("^", i)
    if negate:
        i += 1
    if pattern.startswith("]", i):
        raise _BadPattern
    items: list[tuple[str, str, bool]] = []  # (kind, what, is an unescaped '-')
    while True:
        if i >= len(pattern):
            raise _BadPattern
        char = pattern[i]
        if char == "]":
            i += 1
            break
        if char == "\\":
            (kind, what), i = _read_escape(pattern, i, in_class=True)
            items.append((kind, what, False))
        else:
            items.append(("char", char, char == "-"))
            i += 1
    body: list[str] = []
    k = 0
    while k < len(items):
        kind, what, _dash = items[k]
        if k + 2 < len(items) and items[k + 1][2]:
            high_kind, high, _ = items[k + 2]
            if kind != "char" or high_kind != "char" or what > high:
                raise _BadPattern
            body.append(_python_literal(what, True) + "-" + _python_literal(high, True))
            k += 3
            continue
        if kind == "class":
            body.append(_JS_SPACE if what == "s" else "\\" + what)
        else:
            body.append(_python_literal(what, True))
        k += 1
    return "[" + ("^" if negate else "") + "".join(body) + "]", i


def _python_pattern(pattern: str) -> str:
    """Check a regex() pattern against the shared subset and rewrite it for Python's re."""
    out: list[str] = []
    groups: list[str] = []  # 'group' or 'lookahead' for each open bracket
    previous = "none"  # none (start, after '(' or '|'), atom, assertion or quantifier
    i = 0
    while i < len(pattern):
        char = pattern[i]
        braces = _BRACES.match(pattern, i) if char == "{" else None
        if char in "*+?" or braces:
            if previous != "atom":
                raise _BadPattern
            if braces:
                low = int(braces.group(1))
                high = low if not braces.group(2) else int(braces.group(3) or low)
                if low > _MAX_REPEAT or high > _MAX_REPEAT or high < low:
                    raise _BadPattern
                out.append(braces.group(0))
                i = braces.end()
            else:
                out.append(char)
                i += 1
            if pattern.startswith("?", i):
                out.append("?")
                i += 1
            previous = "quantifier"
        elif char == "\\":
            (kind, what), i = _read_escape(pattern, i, in_class=False)
            if kind == "assert":
                out.append("\\" + what)
            elif kind == "class" and what in "sS":
                out.append(("[" if what == "s" else "[^") + _JS_SPACE + "]")
            elif kind == "class":
                out.append("\\" + what)
            else:
                out.append(_python_literal(what, False))
            previous = "assertion" if kind == "assert" else "atom"
        elif char == "[":
            text, i = _read_class(pattern, i)
            out.append(text)
            previous = "atom"
        elif char == "(":
            if pattern.startswith("(?", i):
                if pattern[i + 2 : i + 3] not in (":", "=", "!"):
                    raise _BadPattern
                groups.append("group" if pattern[i + 2] == ":" else "lookahead")
                out.append(pattern[i : i + 3])
                i += 3
            else:
                groups.append("group")
                out.append("(")
                i += 1
            previous = "none"
        elif char == ")":
            if not groups:
                raise _BadPattern
            previous = "atom" if groups.pop() == "group" else "assertion"
            out.append(")")
            i += 1
        elif char == "|":
            out.append("|")
            previous = "none"
            i += 1
        elif char in "^$":
            out.append("^" if char == "^" else "\\Z")
            previous = "assertion"
            i += 1
        elif char == ".":
            out.append("[^\\n\\r\\u2028\\u2029]")
            previous = "atom"
            i += 1
        else:
            out.append(_python_literal(char, False))
            previous = "atom"
            i += 1
    if groups:
        raise _BadPattern
    return "".join(out)


@lru_cache(maxsize=256)
def compile_regex(pattern: str, position: int) -> re.Pattern[str]:
    """Compile a regex() pattern so that Python matches what JavaScript matches."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return re.compile(_python_pattern(pattern), re.ASCII)
    except (_BadPattern, re.error, OverflowError, RecursionError) as error:
        raise error_at(f"invalid regular expression '{pattern}' in regex()", position) from error
