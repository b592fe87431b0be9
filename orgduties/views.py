from django.shortcuts import render

from orgduties.search import search


def search_view(request):
    results = search(request.GET.get("q", ""))
    return render(
        request,
        "orgduties/search.html",
        {"nav": "search", "query": results.query, "results": results},
    )
