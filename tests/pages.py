"""Helpers for page tests: parse HTML, never match substrings by luck."""

from bs4 import BeautifulSoup


def soup(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def texts(page, selector, sep=" "):
    """Visible text of each match, white space folded; sep="" joins inline markup."""
    return [" ".join(node.get_text(sep, strip=True).split()) for node in page.select(selector)]
