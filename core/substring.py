"""Substring matching that uses the gram indexes of one- and two-character words.

A trigram index (PostgreSQL, search/migrations/0001) serves ``icontains`` of
three characters or more; ``orgduties_grams`` indexes (search/migrations/0002)
serve shorter words, which are most Chinese words. ``contains`` picks the
expression an index serves; on SQLite it is a plain ``icontains``.
"""

from django.db import connection
from django.db.models import BooleanField, F, Q, Value
from django.db.models.expressions import Func


class HasShortWord(Func):
    """``column`` contains one of the one- or two-character ``words`` (PostgreSQL).

    Written as the gram index's own expression, so that the index serves it:
    ``orgduties_grams(UPPER(column)) && ARRAY[UPPER(word), …]``.
    """

    output_field = BooleanField()

    def __init__(self, column, words):
        super().__init__(F(column), *[Value(word) for word in words])

    def as_sql(self, compiler, connection, **extra_context):
        column, *words = (compiler.compile(e) for e in self.get_source_expressions())
        params = [*column[1]]
        for _sql, word_params in words:
            params.extend(word_params)
        array = ", ".join(f"UPPER({sql})" for sql, _params in words)
        return f"orgduties_grams(UPPER({column[0]})) && ARRAY[{array}]::text[]", params


def short_words(words) -> bool:
    """Whether the gram index serves these words (PostgreSQL, all of one or two characters)."""
    return connection.vendor == "postgresql" and all(len(w) <= 2 for w in words)


def contains(fields, words) -> Q:
    """Any of ``fields`` contains any of ``words``, case-insensitively."""
    condition = Q()
    for name in fields:
        if short_words(words):
            condition |= Q(HasShortWord(name, words))
        else:
            for word in words:
                condition |= Q(**{f"{name}__icontains": word})
    return condition
