"""Helpers for page tests: parse HTML, never match substrings by luck."""

from bs4 import BeautifulSoup


def soup(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def texts(page, selector, sep=" "):
    """Visible text of each match, white space folded; sep="" joins inline markup."""
    return [" ".join(node.get_text(sep, strip=True).split()) for node in page.select(selector)]


def form_data(page, selector):
    """The fields a browser would submit from the form ``selector`` finds, to post it back.

    ``page`` is HTML (bytes or text) or an already parsed page. As a browser
    does: checked boxes only, a single select without a selected option sends
    its first, no submit buttons. Unlike a browser, the empty formset
    templates (``__prefix__``, ``-empty-``) are left out: the admin's
    JavaScript would never send them.
    """
    if not isinstance(page, BeautifulSoup):
        page = BeautifulSoup(page, "html.parser")
    form = page.select_one(selector)
    assert form is not None, f"no form matches {selector!r}"
    data = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or "__prefix__" in name or "-empty-" in name:
            continue
        if field.name == "select":
            options = field.find_all("option")
            chosen = [o for o in options if o.has_attr("selected")]
            if field.has_attr("multiple"):
                if chosen:
                    data[name] = [o.get("value", o.text) for o in chosen]
            elif chosen or options:
                option = (chosen or options)[0]
                data[name] = option.get("value", option.text)
        elif field.name == "textarea":
            data[name] = field.get_text().removeprefix("\n")
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        elif field.get("type") != "submit":
            data[name] = field.get("value", "")
    return data
