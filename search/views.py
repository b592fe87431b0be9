from django.shortcuts import render

from search.search import search


def search_view(request):
    results = search(request.GET.get("q", ""))
    return render(
        request,
        "search/search.html",
        {"nav": "search", "query": results.query, "results": results},
    )
