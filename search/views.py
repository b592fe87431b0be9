from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from search.search import COUNT_CAP, KIND_KEYS, MAX_QUERY, search
from storage.fragments import cached
from storage.generation import current as content_generation
from storage.permissions import load_permissions


def _page_number(value):
    return int(value) if value.isdigit() and len(value) < 6 else 1


def search_view(request):
    # Results are cached under the generation with the query (storage.fragments):
    # a word found in 100,000 duties costs its search once per change, not per reader.
    generation = content_generation()
    load_permissions(request.user, generation)  # the menu's checks, cached too
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY]
    only = request.GET.get("in", "")
    only = only if only in KIND_KEYS else ""
    page = _page_number(request.GET.get("page", "")) if only else 1

    def render_results():
        results = search(query, only=only, page=page)
        return render_to_string(
            "search/_results.html",
            {"query": results.query, "results": results, "cap": COUNT_CAP},
        )

    body = cached("search-results", [query, only, page], generation, render_results)
    # render_to_string escaped it; the cache holds that same string.
    return render(
        request,
        "search/search.html",
        {"nav": "search", "query": query, "body": mark_safe(body)},  # noqa: S308
    )
