from django.shortcuts import render
from django.views.decorators.http import require_GET

from actions.permissions import require_reader
from search import selectors
from search.forms import SearchForm


@require_GET
def search(request):
    """The header's search box lands here: results grouped by kind, filtered by plan and kind."""
    require_reader(request.user)
    kinds = selectors.kinds_for(request.user)
    form = SearchForm(request.GET or None, kinds=kinds)
    results = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        results = selectors.search(
            user=request.user,
            query=data["q"],
            plan=data["plan"],
            kinds=[data["kind"]] if data["kind"] else None,
        )
    status = 400 if form.errors else 200
    context = {"form": form, "results": results, "can_find_posts": selectors.Kind.OFFICERS in kinds}
    return render(request, "search/search.html", context, status=status)
