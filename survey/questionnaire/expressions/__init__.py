"""Parse and evaluate the XLSForm / ODK expression subset (relevance, constraints, calculations)."""

# survey/static/js/expressions.js is a close port of this module; the cases in
# tests/data/expression_cases.json keep the two in agreement, so change both together.
#
# Semantics follow ODK (XPath 1.0):
# - answers are strings ('' when unanswered); select_multiple answers are space-separated names;
# - '=' / '!=': with a boolean on either side compare as booleans, with a number on either side
#   compare as numbers, two strings that both read as numbers compare as numbers, otherwise
#   as strings ('' = '' is how emptiness is tested);
# - '<' '<=' '>' '>=': both sides as numbers, as XPath 1.0 does ('abc' < 'abd' is false: NaN
#   compares false), so an empty answer or a word is never less or greater than anything;
# - number(), arithmetic and '<' read a date (YYYY-MM-DD) as the days since 1970-01-01 and a
#   date-time as days and a fraction of a day in UTC, by its own offset (none: UTC), as the ODK
#   spec says: '2021-11-30' - '2021-11-29' is 1, today() < today() + 1 holds (see dates.py);
# - number('1e3') is 1000 and '+4' is 4, as JavaScript's Number() (and so Enketo) reads them;
#   hexadecimal and 'Infinity' are not numbers; other text and '' are NaN;
#   comparisons with NaN are false except '!=';
# - booleans convert to numbers as 1/0, strings to booleans as non-empty, numbers to strings
#   without exponents ('0.0000001', 'NaN', 'Infinity');
# - regex() is a search (Python re.search, JS RegExp.test) over code points, with ASCII \d \w
#   \b, JavaScript's \s and '.', and '$' only at the very end; patterns outside the subset
#   both engines read alike are refused (see _python_pattern);
# - format-date() knows %Y %y %m %n %d %e %H %h %M %S %3 %a %b %%, with English day and month
#   names; now() is the local date-time with its offset (functions.py and dates.py hold the ODK
#   functions beyond XPath's core);
# - sum(${q}) adds q's answers in every instance of its repeat, as XPath's sum() of a node-set:
#   an empty or non-numeric answer in any instance makes it NaN, no instance makes it 0;
#   count(${q}) and count(${repeat}) are the repeat's instances, whatever their answers. Both read
#   the instances given as repeats, and find q's repeat as the one whose instances give q. The
#   form hands over an answer that does not apply in its instance as '' (instances.py), as
#   JavaRosa reads a node that is not relevant: such an instance makes sum() NaN too.
# - count-non-empty(${q}) counts the instances of q's repeat where q is answered (of a repeat
#   itself, those with any answer);
# - ends-with(), substring-before(), substring-after(), normalize-space() and translate() are
#   XPath 1.0's over code points, XML's whitespace (space, tab, CR, LF) being the only space;
#   sqrt() of a negative number is NaN;
# - jr:choice-name(value, '${q}') is the label of q's choice named value among the choices handed
#   over (in the language the form is shown in), '' when there is none;
# - instance('name')/root/item[filter]/column reads the rows of a choice list or of a CSV file
#   sent with the form (tables=, by name without .csv): a bare name inside [filter] is the row's
#   column, a number in [...] keeps the row at that position, and the whole gives the column of
#   the first row kept ('' when none); count(instance('name')/root/item[filter]) counts the rows
#   kept. No other path is read: the XLSForm names answers as ${name};
# - pulldata('file', 'column', 'key-column', key) is the column of the file's first row whose
#   key column is key as a string, '' when none (as ODK); the file is named in quotes;
# - current() is the question's own answer ('.'), current()/../name the answer to name (${name});
# - any other function is refused while parsing, naming it (even where a character the
#   tokenizer does not read stops it first) and pointing to the README's list.

from survey.questionnaire.expressions.evaluation import evaluate
from survey.questionnaire.expressions.parsing import (
    Binary,
    Call,
    Column,
    Current,
    ExpressionError,
    Literal,
    Lookup,
    Negate,
    Node,
    Reference,
    parse,
    references,
    tables_read,
)
from survey.questionnaire.expressions.values import truthy

__all__ = [
    "Binary",
    "Call",
    "Column",
    "Current",
    "ExpressionError",
    "Literal",
    "Lookup",
    "Negate",
    "Node",
    "Reference",
    "evaluate",
    "parse",
    "references",
    "tables_read",
    "truthy",
]
