"""The site's URLs plus the floor page (benchmarks/views.py), for `manage.py bench` only.

`benchmarks.pages.measure_pages` sets ROOT_URLCONF to this module while it measures; no settings file names it,
so no server ever routes to the floor page.
"""

from django.urls import path

from benchmarks import views
from sendplan.urls import handler500
from sendplan.urls import urlpatterns as site_urlpatterns

__all__ = ["handler500", "urlpatterns"]

urlpatterns = [path("bench/floor/", views.floor, name="bench-floor"), *site_urlpatterns]
