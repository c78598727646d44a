"""Statistical disclosure control for the evaluator's summary: no small group is shown or can be worked out.

Pure: counts in, published counts out; no Flask and no database.

Filters can cut a survey's responses no finer than *atoms*: one site's months, merged forward until
they hold at least k responses (a remainder under k joins the block before; a site under k in all is
left out). An atom is counted at its last month. Within an atom each statistic is a partition of its
responses, or of its testimonies: parts under k are withheld, then more parts, smallest first, until
what is withheld adds up to nothing or to at least k and is never a single part that could have been
shown. A view (one site or all, a range of months) adds up the published parts of the atoms it
includes, so each number it shows is a sum of parts of 0 or at least k, and a withheld part enters
no sum: adding or subtracting views can only give sums of whole published parts.

A question asked in each instance of a repeat (each member of a household) splits an atom's instances,
not its responses: withhold_instances() sizes each part by the responses holding it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass

Site = Hashable  # a site's id; None for responses without a site
Month = str  # "YYYY-MM", which sorts as months do
Key = tuple[Site, Month, str, str]  # site, month, statistic, part

ALL = "all"
RESPONSES = "responses"
TESTIMONIES = "testimonies"
SENTIMENT = "sentiment"
# The squares of the testimonies' polarity by band, as a measure: published where the band is, for a spread.
SENTIMENT_SQUARES = "sentiment squares"
BANDS = ("negative", "neutral", "positive")
NOT_SCORED = "not scored:"  # followed by the reason's code, empty when none was recorded
YES, NO = "yes", "no"
NO_ANSWER = "no answer"


@dataclass(frozen=True)
class Partition:
    """A statistic that splits each atom's responses, or its testimonies, into parts."""

    statistic: str
    parts: tuple[str, ...]
    rest: str | None = None  # a part never shown: what the parts leave of the population
    of_testimonies: bool = False


# An atom's responses, as one part: always shown, since an atom holds at least k of them.
RESPONSE_COUNT = Partition(RESPONSES, (ALL,))
# Responses with a testimony, and (never shown) without: with one testimony question, the responses
# less the testimonies would give those without. An atom's testimonies count only when this is shown.
GAVE_TESTIMONY = Partition("gave testimony", (YES,), rest=NO)
TESTIMONY_COUNT = Partition(TESTIMONIES, (ALL,), of_testimonies=True)


def answer_partition(question: str, choices: Iterable[str]) -> Partition:
    """A select-one question's answers by choice; no answer is a part too, never shown."""
    return Partition(f"answer:{question}", tuple(choices), rest=NO_ANSWER)


def number_partition(question: str, bins: int) -> Partition:
    """A numeric question's answers by histogram bin ("0", "1"...); no answer is a part too, never shown."""
    return Partition(f"number:{question}", tuple(str(i) for i in range(bins)), rest=NO_ANSWER)


def choice_partition(question: str, choice: str) -> Partition:
    """Responses that ticked one choice of a select-multiple question, and (never shown) those that did not."""
    return Partition(f"choice:{question}:{choice}", (YES,), rest=NO)


def sentiment_partition(reasons: Iterable[str]) -> Partition:
    """Testimonies by sentiment band, and by each reason a testimony was not scored."""
    return Partition(SENTIMENT, BANDS + tuple(NOT_SCORED + r for r in sorted(set(reasons))), of_testimonies=True)


def theme_partition(theme: str) -> Partition:
    """Testimonies that mention a theme, and (never shown) those that do not."""
    return Partition(f"theme:{theme}", (YES,), rest=NO, of_testimonies=True)


@dataclass(frozen=True)
class Atom:
    """The finest group a filter can separate: one site's consecutive months with at least k responses."""

    site: Site
    months: tuple[Month, ...]  # the months with responses, in order

    @property
    def month(self) -> Month:
        """The month the atom is counted at: its last."""
        return self.months[-1]


def make_atoms(responses: Mapping[tuple[Site, Month], int], k: int, block: int = 0) -> tuple[list[Atom], set[Site]]:
    """Merge each site's months forward into atoms of at least k responses; also the sites under k.

    `block`, when larger than k, asks for larger atoms (fewer months shown, more parts counted in
    each); a site with at least k responses but fewer than `block` is then one atom."""
    target = max(k, block)
    by_site: dict[Site, list[tuple[Month, int]]] = defaultdict(list)
    for (site, month), n in responses.items():
        if n > 0:
            by_site[site].append((month, n))
    atoms: list[Atom] = []
    small: set[Site] = set()
    for site, months in by_site.items():
        blocks: list[list[Month]] = []
        current: list[Month] = []
        size = 0
        for month, n in sorted(months):
            current.append(month)
            size += n
            if size >= target:
                blocks.append(current)
                current, size = [], 0
        if current and blocks:
            blocks[-1].extend(current)
        elif current and size >= k:
            blocks.append(current)
        elif current:
            small.add(site)
        atoms.extend(Atom(site, tuple(block)) for block in blocks)
    return atoms, small


def withhold(parts: Mapping[str, int], rest: int, k: int, start: Collection[str] = ()) -> set[str]:
    """The parts of one partition to withhold, the never-shown rest counting as withheld.

    Parts of 1 to k-1 first (and those of `start`, withheld already for another reason); then, while
    what is withheld adds up to 1 to k-1, or is a single part that could have been shown (its total
    minus the shown parts would give it away), the next smallest part that is not zero.
    """
    withheld = {p for p, n in parts.items() if 0 < n < k} | (set(start) & set(parts))

    def unsafe() -> bool:
        hidden = rest + sum(parts[p] for p in withheld)
        return 0 < hidden < k or len(withheld) == 1

    while unsafe():
        left = sorted((n, p) for p, n in parts.items() if n > 0 and p not in withheld)
        if not left:
            break
        withheld.add(left[0][1])
    return withheld


def withhold_instances(households: Mapping[str, int], rest: int, k: int) -> set[str]:
    """The parts of one partition of a repeat's instances to withhold, given how many responses hold
    each part's instances, and how many hold instances with no answer (the rest, never shown).

    withhold() over responses, not instances: five members of one household are one group of one.
    A response can hold instances of several parts, so what is withheld counts as held by as many
    responses as the largest of its parts (or the rest) alone: never more than hold it. It must be
    nothing or at least k, and never a single part that could have been shown.
    """
    withheld = {p for p, n in households.items() if 0 < n < k}

    def unsafe() -> bool:
        hidden = max([rest, *(households[p] for p in withheld)])
        return 0 < hidden < k or len(withheld) == 1

    while unsafe():
        left = sorted((n, p) for p, n in households.items() if n > 0 and p not in withheld)
        if not left:
            break
        withheld.add(left[0][1])
    return withheld


@dataclass(frozen=True)
class Protected:
    """Each atom's published parts, what was withheld, and the sites left out."""

    k: int
    atoms: tuple[Atom, ...]
    small_sites: frozenset[Site]
    published: Mapping[tuple[Atom, str, str], int]  # zeros included: a published zero is a number too
    withheld: frozenset[tuple[Atom, str, str]]  # parts not zero that no number includes
    measures: Mapping[tuple[Atom, str, str], tuple[float, int]]  # of published parts of at least k values


def protect(
    counts: Mapping[Key, int],
    partitions: Iterable[Partition],
    k: int,
    measures: Mapping[Key, tuple[float, int]] | None = None,
    *,
    block: int = 0,
) -> Protected:
    """Group counts per site and month into atoms and decide, part by part, what may be published.

    `counts` needs (site, month, RESPONSES, ALL) for every month with responses and, for testimonies,
    (site, month, TESTIMONIES, ALL) and the GAVE_TESTIMONY part; `measures` holds a sum and how many
    values it adds (the polarity of a part's testimonies), kept where the part is published and the
    sum adds at least k values.
    """
    responses = {(s, m): n for (s, m, statistic, _), n in counts.items() if statistic == RESPONSES}
    atoms, small = make_atoms(responses, k, block)
    atom_of = {(a.site, m): a for a in atoms for m in a.months}
    per_atom: dict[tuple[Atom, str, str], int] = defaultdict(int)
    for (site, month, statistic, part), n in counts.items():
        if (atom := atom_of.get((site, month))) is not None:
            per_atom[atom, statistic, part] += n
    ordered = sorted(
        set(partitions) | {RESPONSE_COUNT, GAVE_TESTIMONY, TESTIMONY_COUNT}, key=lambda p: p.of_testimonies
    )
    published: dict[tuple[Atom, str, str], int] = {}
    withheld: set[tuple[Atom, str, str]] = set()
    for atom in atoms:
        for partition in ordered:
            parts = {p: per_atom.get((atom, partition.statistic, p), 0) for p in partition.parts}
            population = TESTIMONIES if partition.of_testimonies else RESPONSES
            rest = max(0, per_atom.get((atom, population, ALL), 0) - sum(parts.values())) if partition.rest else 0
            if partition.of_testimonies and (atom, GAVE_TESTIMONY.statistic, YES) not in published:
                hidden = {p for p, n in parts.items() if n}  # the atom's testimonies are not counted at all
            else:
                hidden = withhold(parts, rest, k)
            for part, n in parts.items():
                if part not in hidden:
                    published[atom, partition.statistic, part] = n
            withheld |= {(atom, partition.statistic, p) for p in hidden}
            if hidden and rest and partition.rest:
                withheld.add((atom, partition.statistic, partition.rest))
    kept = _measures_of(published, atom_of, measures or {}, k)
    return Protected(k, tuple(atoms), frozenset(small), published, frozenset(withheld), kept)


def _measures_of(
    published: Mapping[tuple[Atom, str, str], int],
    atom_of: Mapping[tuple[Site, Month], Atom],
    measures: Mapping[Key, tuple[float, int]],
    k: int,
) -> dict[tuple[Atom, str, str], tuple[float, int]]:
    """Sum the measures per published atom part, keeping those that add at least k values."""
    kept: dict[tuple[Atom, str, str], tuple[float, int]] = defaultdict(lambda: (0.0, 0))
    for (site, month, statistic, part), (total, n) in measures.items():
        atom = atom_of.get((site, month))
        counted_as = SENTIMENT if statistic == SENTIMENT_SQUARES else statistic
        if atom is not None and (atom, counted_as, part) in published:
            before = kept[atom, statistic, part]
            kept[atom, statistic, part] = (before[0] + total, before[1] + n)
    # A published part can hold fewer than k values of a measure (a theme's scored sentences): views could
    # subtract such a part's sum from one another, so it counts in no mean.
    return {key: value for key, value in kept.items() if value[1] >= k}


@dataclass(frozen=True)
class CrossTab:
    """A select question's answers (columns) within each answer of a select-one question (rows)."""

    by: str  # the select-one question
    rows: tuple[str, ...]
    question: str
    columns: tuple[str, ...]
    multiple: bool = False  # a select-multiple question: a response counts in each column it ticked

    @property
    def statistic(self) -> str:
        """The statistic its cells are published under, each part a cross_part(row, column)."""
        return f"cross:{self.by}:{self.question}"

    def row_total(self, row: str) -> tuple[str, str]:
        """The statistic and part that count a row's responses."""
        return f"answer:{self.by}", row

    def column_total(self, column: str) -> tuple[str, str]:
        """The statistic and part that count a column's responses."""
        return (f"choice:{self.question}:{column}", YES) if self.multiple else (f"answer:{self.question}", column)


def cross_part(row: str, column: str) -> str:
    """A cell of a cross-tab, as a part."""
    return f"{row}\x1f{column}"


def protect_crosstabs(
    protected: Protected, counts: Mapping[Key, int], joint: Mapping[Key, int], tables: Iterable[CrossTab]
) -> Protected:
    """Decide, in each atom, which cells of these cross-tabs may be published besides what protect() did.

    `joint` holds each cell's count per site and month (the table's statistic, cross_part(row, column)),
    `counts` what protect() was given. In an atom, each row is the question's partition of the responses
    in that row, and each column the rows' partition of the column's responses (what is left: no answer
    to the other question); withhold() runs over rows and columns again, each starting from every cell
    withheld so far, until no row or column needs more: then no row or column total minus its shown
    cells gives away a small group or a single cell.
    """
    atom_of = {(a.site, m): a for a in protected.atoms for m in a.months}
    per_atom: dict[tuple[Atom, str, str], int] = defaultdict(int)
    for source in (counts, joint):
        for (site, month, statistic, part), n in source.items():
            if (atom := atom_of.get((site, month))) is not None:
                per_atom[atom, statistic, part] += n
    published, withheld = dict(protected.published), set(protected.withheld)
    for table in tables:
        for atom in protected.atoms:
            cells = {
                cross_part(r, c): per_atom.get((atom, table.statistic, cross_part(r, c)), 0)
                for r in table.rows
                for c in table.columns
            }
            keys = [table.row_total(r) for r in table.rows] + [table.column_total(c) for c in table.columns]
            totals = {key: per_atom.get((atom, *key), 0) for key in keys}
            hidden = _withhold_cells(table, cells, totals, protected.k)
            for part, n in cells.items():
                if part in hidden:
                    withheld.add((atom, table.statistic, part))
                else:
                    published[atom, table.statistic, part] = n
    return Protected(
        protected.k, protected.atoms, protected.small_sites, published, frozenset(withheld), protected.measures
    )


def _withhold_cells(
    table: CrossTab, cells: Mapping[str, int], totals: Mapping[tuple[str, str], int], k: int
) -> set[str]:
    """The cells of one atom's cross-tab to withhold, given its rows' and columns' totals."""
    total = totals.__getitem__
    groups: list[tuple[list[str], int]] = []
    for r in table.rows:
        if table.multiple:  # each choice ticked or not within the row, as choice_partition in the atom
            groups += [([cross_part(r, c)], total(table.row_total(r)) - cells[cross_part(r, c)]) for c in table.columns]
        else:
            row = [cross_part(r, c) for c in table.columns]
            groups.append((row, total(table.row_total(r)) - sum(cells[p] for p in row)))
    for c in table.columns:
        column = [cross_part(r, c) for r in table.rows]
        groups.append((column, total(table.column_total(c)) - sum(cells[p] for p in column)))
    hidden: set[str] = set()
    while True:
        before = len(hidden)
        for group, rest in groups:
            hidden |= withhold({p: cells[p] for p in group}, max(0, rest), k, hidden)
        if len(hidden) == before:
            return {p for p in hidden if cells[p]}


@dataclass(frozen=True)
class Figure:
    """A published number and the atoms whose published part it adds up."""

    value: int
    sources: tuple[Atom, ...]


class View:
    """What one filter shows: the published parts of the atoms of some sites counted in a range of months."""

    def __init__(
        self,
        protected: Protected,
        sites: Collection[Site] | None = None,
        month_from: Month | None = None,
        month_to: Month | None = None,
    ) -> None:
        self.protected = protected
        self.atoms = tuple(
            a
            for a in protected.atoms
            if (sites is None or a.site in sites)
            and (month_from is None or a.month >= month_from)
            and (month_to is None or a.month <= month_to)
        )

    def count(self, statistic: str, part: str = ALL, atoms: Iterable[Atom] | None = None) -> Figure:
        """The sum of a part over the view's atoms (or some of them) that publish it."""
        sources = tuple(
            a for a in (self.atoms if atoms is None else atoms) if (a, statistic, part) in self.protected.published
        )
        return Figure(sum(self.protected.published[a, statistic, part] for a in sources), sources)

    def mean(self, statistic: str, parts: Iterable[str]) -> tuple[float | None, int]:
        """The mean of a measure over the published parts, and how many values it averages."""
        total, n = 0.0, 0
        for part in parts:
            for atom in self.atoms:
                value, count = self.protected.measures.get((atom, statistic, part), (0.0, 0))
                total, n = total + value, n + count
        return (total / n if n else None), n

    def by_site(self) -> dict[Site, Figure]:
        """Responses per site with atoms in the view."""
        sites = dict.fromkeys(a.site for a in self.atoms)
        return {s: self.count(RESPONSES, ALL, [a for a in self.atoms if a.site == s]) for s in sites}

    def by_month(self) -> dict[Month, Figure]:
        """Responses per month from the first atom's month to the last, each atom at its last month."""
        if not self.atoms:
            return {}
        months = month_range(min(a.month for a in self.atoms), max(a.month for a in self.atoms))
        return {m: self.count(RESPONSES, ALL, [a for a in self.atoms if a.month == m]) for m in months}

    def spans(self) -> dict[Site, tuple[Month, Month]]:
        """Per site, the months the view's atoms cover: first month of the first to last of the last."""
        spans: dict[Site, tuple[Month, Month]] = {}
        for atom in self.atoms:
            first, last = spans.get(atom.site, (atom.months[0], atom.month))
            spans[atom.site] = (min(first, atom.months[0]), max(last, atom.month))
        return spans


def month_range(first: Month, last: Month) -> list[Month]:
    """Every month from first to last, both included."""
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while (current := f"{year:04d}-{month:02d}") <= last:
        months.append(current)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
