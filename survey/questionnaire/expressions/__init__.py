"""Parse and evaluate the XLSForm / ODK expression subset (relevance, constraints, calculations)."""

# survey/static/js/expressions.js is a close port of this module; the cases in
# tests/data/expression_cases.json keep the two in agreement, so change both together.
#
# Semantics follow ODK (XPath 1.0):
# - answers are strings ('' when unanswered); select_multiple answers are space-separated names;
# - '=' / '!=': with a boolean on either side compare as booleans, with a number on either side
#   compare as numbers, two strings that both read as numbers compare as numbers, otherwise
#   as strings ('' = '' is how emptiness is tested);
# - '<' '<=' '>' '>=': with a boolean or number on either side compare as numbers; two strings
#   compare as numbers if both read as numbers, as dates if both are YYYY-MM-DD, as strings
#   (by code point) if both are other non-empty text; any other pair (an empty answer, or two
#   different kinds such as a number and a word) is not comparable and gives false;
# - arithmetic on '' or non-numbers gives NaN (dates too: there is no date arithmetic);
#   comparisons with NaN are false except '!=';
# - booleans convert to numbers as 1/0, strings to booleans as non-empty, numbers to strings
#   without exponents ('0.0000001', 'NaN', 'Infinity');
# - regex() is a search (Python re.search, JS RegExp.test) over code points, with ASCII \d \w
#   \b, JavaScript's \s and '.', and '$' only at the very end; patterns outside the subset
#   both engines read alike are refused (see _python_pattern).

from survey.questionnaire.expressions.evaluation import evaluate
from survey.questionnaire.expressions.parsing import (
    Binary,
    Call,
    Current,
    ExpressionError,
    Literal,
    Negate,
    Node,
    Reference,
    parse,
    references,
)
from survey.questionnaire.expressions.values import truthy

__all__ = [
    "Binary",
    "Call",
    "Current",
    "ExpressionError",
    "Literal",
    "Negate",
    "Node",
    "Reference",
    "evaluate",
    "parse",
    "references",
    "truthy",
]
