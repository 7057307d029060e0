"""The search page behind the header's search box."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from discussion import search as searching


@login_required
@require_safe
def search(request):
    query = request.GET.get("q", "")[: searching.QUERY_MAX]
    words = searching.words_of(query)
    sections = searching.search(request.user, query)
    return render(
        request, "discussion/search.html",
        {"query": query, "words": words, "sections": sections, "total": sum(len(s.hits) for s in sections),
         "limit": searching.LIMIT},
    )
