"""Links to many pages of one kind, without resolving the URL pattern for each."""

from functools import lru_cache
from urllib.parse import quote

from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS

_SLOT = "00SLOT00"


@lru_cache(maxsize=16)
def _pattern(name):
    return reverse(name, args=[_SLOT])


def page_url(name, code):
    """``reverse(name, args=[code])`` for a URL with one argument, at a tenth of the cost.

    A list of 250 links spent 10 ms in ``{% url %}``. The code is quoted as
    reverse() quotes its arguments (django.urls.resolvers).
    """
    return _pattern(name).replace(_SLOT, quote(str(code), safe=RFC3986_SUBDELIMS + "/~:@"))
