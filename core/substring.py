"""Substring matching that uses the gram indexes (PostgreSQL), else a plain ``icontains``.

``orgduties_grams`` indexes (search/migrations/0002) hold each text's
characters and pairs of neighbouring characters. A word of one or two
characters, which most Chinese words are, is one of them: the index answers
exactly. A longer word without case (Chinese, digits) has all its pairs there:
the index finds the rows that have them, and the word itself is then looked
for in those rows as it is (STRPOS), without upper-casing them; on the
long-duties shape (2,000-character duties) a trigram index's recheck of
``UPPER(text) LIKE`` on each candidate cost three times as much. A longer word
with case is left to the trigram index (search/migrations/0001), which serves
``icontains``. ``contains`` picks the expression an index serves; on SQLite it
is a plain ``icontains``.
"""

from django.db import connection
from django.db.models import BooleanField, F, Q, Value
from django.db.models.expressions import Func
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan


class _Grams(Func):
    """``orgduties_grams(UPPER(column)) <operator> ARRAY[UPPER(gram), …]``: the gram index's expression."""

    operator = ""
    output_field = BooleanField()

    def __init__(self, column, grams):
        super().__init__(F(column), *[Value(gram) for gram in grams])

    def as_sql(self, compiler, connection, **extra_context):
        column, *grams = (compiler.compile(e) for e in self.get_source_expressions())
        params = [*column[1]]
        for _sql, gram_params in grams:
            params.extend(gram_params)
        array = ", ".join(f"UPPER({sql})" for sql, _params in grams)
        return f"orgduties_grams(UPPER({column[0]})) {self.operator} ARRAY[{array}]::text[]", params


class HasShortWord(_Grams):
    """``column`` contains one of the one- or two-character ``words`` (PostgreSQL)."""

    operator = "&&"


class HasAllPairs(_Grams):
    """``column`` holds every pair of ``pairs`` (PostgreSQL): a longer word may be in it."""

    operator = "@>"


def short_words(words) -> bool:
    """Whether the gram index serves these words (PostgreSQL, all of one or two characters)."""
    return connection.vendor == "postgresql" and all(len(w) <= 2 for w in words)


def caseless(word) -> bool:
    """Whether ``word`` has no letter with case (Chinese, digits): UPPER() changes nothing in it."""
    return word.upper() == word == word.lower()


def long_caseless_words(words) -> bool:
    """Whether the gram index's pairs serve these words (PostgreSQL, 3 characters or more, no case)."""
    return connection.vendor == "postgresql" and all(len(w) > 2 and caseless(w) for w in words)


def _pairs(word):
    return sorted({word[i : i + 2] for i in range(len(word) - 1)})


def contains(fields, words) -> Q:
    """Any of ``fields`` contains any of ``words``, case-insensitively."""
    if long_caseless_words(words):
        # (any field holds every pair of a word) and (a field holds a word): the
        # same rows as "a field holds a word", written so that the database
        # reads the pairs from the index and looks for the words only in the
        # rows found. An OR of (pairs and word) makes it compute every row's
        # grams instead, thousands of times slower.
        pairs, found = Q(), Q()
        for name in fields:
            for word in words:
                pairs |= Q(HasAllPairs(name, _pairs(word)))
                found |= Q(GreaterThan(StrIndex(F(name), Value(word)), 0))
        return pairs & found
    condition = Q()
    for name in fields:
        if short_words(words):
            condition |= Q(HasShortWord(name, words))
        else:
            for word in words:
                condition |= Q(**{f"{name}__icontains": word})
    return condition
