"""The floor page: what any signed-in page of the site costs before it does any work of its own.

Served only by the benchmarks' own URLconf (benchmarks/urls.py), which `manage.py bench` switches to while it
measures pages; the site's URLconf (sendplan/urls.py) never routes to it, so production has no such page.
"""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from actions.models import Plan
from actions.permissions import require_reader


@require_GET
def floor(request):
    # Every page's access check reads the user's roles (which the base layout's search box asks about too).
    require_reader(request.user)
    # One query of its own, as small as a page's can be; the session, the user and the base layout are the same as
    # every other page's.
    plans = Plan.objects.count()
    return render(request, "benchmarks/floor.html", {"plans": plans})
