"""Street addresses as residents write them: Colombian, Mexican and Spanish, and English."""

from __future__ import annotations

import re

# Each pattern starts with a class of the first letters it may see: Python tries an alternative of
# words ignoring case at every position, a class rules most of them out twice as fast.
# A street word alone is no address ("en la calle hay balaceras", "la calle 10 es peligrosa"):
# every pattern needs the house number as well, and none runs on a text without a digit.
_DASH = r"[ \t]?[-\u2010\u2011\u2012\u2013\u2014][ \t]?"
# 10, 10A, 10 A, 10 Bis, 10 Bis A: the letter stays upper case when a space sets it apart
# ("calle 10 a la 20" is a stretch of street).
_NUMBER = r"\d{1,4}+(?:[A-Za-z](?!\w)|[ \t][A-Z](?!\w))?(?:[ \t](?i:bis)(?:[ \t][A-Z])?(?!\w))?"
_SIDE = r"(?:[ \t]+(?i:sur|norte|este|oeste|oriente|occidente))?"
_UNIT = (
    r"(?:,?[ \t]*(?i:apto\.?|apartamento|apt\.?|int\.?|interior|depto\.?|departamento|dpto\.?|casa|torre|"
    r"bloque|piso|local|oficina|of\.?)[ \t]*#?[ \t]*\d{1,4}+[A-Za-z]?(?!\w)){0,3}"
)
# Colombia names its streets by number and a house by the crossing street and the distance from
# it: Calle 10 # 5-23, Carrera 7 No. 12-40, Cra. 7 #12-40, Avenida 68 Sur 12-34, Dg. 45 # 20-10.
_NUMBERED_STREET = (
    r"(?i:calle|cll|clle|cl|carrera|cra|kra|kr|cr|avenida|avda|av|ak|ac|diagonal|diag|dg|"
    r"transversal|transv|trans|tv|tr|circular|circunvalar)\.?"
)
_HOUSE = r"\d{1,4}+(?:[A-Za-z]|[ \t][A-Z])?(?!\w)"
_HOUSE_MARK = r"(?:#|(?i:n[°º]|no\.|nro\.?|n[uú]m\.|n[uú]mero))"
NUMBERED = re.compile(
    rf"(?=[CcKkAaDdTt])(?<![\w.]){_NUMBERED_STREET}[ \t]*{_NUMBER}{_SIDE}[ \t]*"
    rf"(?:{_HOUSE_MARK}[ \t]*{_HOUSE}(?:{_DASH}\d{{1,4}}+)?|(?i:no[ \t]+)?{_HOUSE}{_DASH}\d{{1,4}}+)"
    rf"(?!\w){_SIDE}{_UNIT}"
)
# Mexico and Spain name their streets: Av. Insurgentes Sur 1234, Col. Roma; calle Morelos #45;
# Calle de Alcalá 45, 3.º
_NAMED_STREET = (
    r"(?i:calle|c/|avenida|avda\.?|av\.?|calzada|calz\.?|boulevard|bulevar|blvd\.?|paseo|camino|carretera|"
    r"privada|priv\.?|cerrada|andador|prolongaci[oó]n|prol\.?|circuito|callej[oó]n|pasaje|carrera|"
    r"diagonal|transversal|plaza|ronda|rambla|glorieta)"
)
_CAPITAL = r"[A-ZÁÉÍÓÚÑÜ][\w'’]*\.?"
_STREET_NAME = rf"(?:(?:[ \t]+(?:de|del|la|las|los|el|y)){{0,3}}+[ \t]+{_CAPITAL}){{1,5}}"
_NEIGHBOURHOOD = rf"(?:,?[ \t]*(?i:col\.|colonia|fracc\.|fraccionamiento)(?:[ \t]+{_CAPITAL}){{1,3}})?"
_POSTCODE = r"(?:,?[ \t]*(?i:c\.[ \t]?p\.|cp)[ \t]*\d{5}(?!\w))?"
NAMED = re.compile(
    rf"(?=[CcAaBbPpRrDdTtGg])(?<![\w.]){_NAMED_STREET}{_STREET_NAME},?[ \t]*(?:{_HOUSE_MARK}[ \t]*)?"
    rf"(?P<number>\d{{1,5}}+(?:[A-Za-z]|[ \t][A-Z])?)(?!\w|[.,]\d)"
    rf"(?:{_DASH}\d{{1,4}}+)?{_UNIT}{_NEIGHBOURHOOD}{_POSTCODE}"
)
# 123 Main St, 45 Elm Street Apt 3, 221B Baker Street, 12 High Road, Flat 2.
_ENGLISH_STREET = (
    r"(?i:street|st\.?|avenue|ave\.?|road|rd\.?|lane|ln\.?|drive|dr\.?|boulevard|blvd\.?|court|ct\.?|"
    r"place|pl\.?|way|terrace|crescent|close|square|sq\.?|parkway|pkwy\.?|highway|hwy\.?|circle)(?!\w)"
)
# A number before a unit is a count, even in title case: "the 24 Hour Drive Thru", "a 5 Star Place".
_ENGLISH_UNIT = (
    r"(?i:hours?|days?|weeks?|months?|years?|minutes?|seconds?|times?|stars?|miles?|points?|percent|people|"
    r"persons?|beds?|floors?|pounds?|dollars?)(?!\w)"
)
ENGLISH = re.compile(
    rf"(?<![\w.,#-])\d{{1,5}}+[A-Za-z]?(?![ \t]+{_ENGLISH_UNIT})(?:[ \t]+[A-Z][\w'’]*){{1,4}}[ \t]+{_ENGLISH_STREET}"
    r"(?:,?[ \t]*(?i:apt\.?|apartment|unit|suite|ste\.?|flat|#)[ \t]*#?[ \t]*\d{1,5}+[A-Za-z]?(?!\w))?"
)
# Blocks and lots in a barrio: Mz 3 Casa 5, Manzana B lote 12.
BLOCK = re.compile(
    r"(?=[Mm])(?<![\w.])(?i:manzana|mza?\.?)[ \t]*(?:\d{1,4}+[A-Za-z]?|[A-Z])(?!\w),?[ \t]*"
    r"(?i:casa|cs\.?|lote|lt\.?)[ \t]*\d{1,4}+[A-Za-z]?(?!\w)"
)
# What follows a number that makes it a count, not a house: "por la Avenida Boyacá 20 veces",
# "en la Calle Real 3 jóvenes": a unit, or a plural word in lower case that no sentence goes on with.
COUNTED = re.compile(r"[ \t]*(?:(?i:a[nñ]os|km|gente|people|children|men|women)(?!\w)|(?P<plural>[a-zñáéíóú]+s)(?!\w))")
NOT_COUNTED = frozenset(
    ("es", "pues", "mas", "más", "después", "despues", "antes", "entonces", "tras", "desde", "hasta")
    + ("has", "was", "is", "as", "its", "his", "does", "this", "since", "across", "towards")
)
YEAR = re.compile(r"(?:19|20)\d\d")
HOUSE_MARK = re.compile(_HOUSE_MARK)


def _counted(text: str, end: int) -> bool:
    """Say whether the number ending at `end` counts something ("20 veces"), not a house."""
    word = COUNTED.match(text, end)
    return word is not None and (word.group("plural") is None or word.group("plural") not in NOT_COUNTED)


def _named(text: str) -> list[tuple[int, int, str]]:
    found = []
    for m in NAMED.finditer(text):
        number = m.group("number")
        if _counted(text, m.end("number")) or (YEAR.fullmatch(number) and not HOUSE_MARK.search(m.group())):
            continue  # "la Avenida Boyacá 20 veces", "en la Avenida Bolívar 2019"
        found.append((m.start(), m.end(), "address"))
    return found


def find_addresses(text: str) -> list[tuple[int, int, str]]:
    """Find street addresses with a house number, as (start, end, "address")."""
    found = [(m.start(), m.end(), "address") for pattern in (ENGLISH, BLOCK) for m in pattern.finditer(text)]
    found += [(m.start(), m.end(), "address") for m in NUMBERED.finditer(text) if not _counted(text, m.end())]
    return found + _named(text)
