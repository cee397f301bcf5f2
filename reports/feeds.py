"""Atom feeds of published termly reports: one per plan on the Local Offer, one for every plan.

Public (no login). An entry is a published report: its id and link are the report's public page, updated is when it
was published (a published report never changes; a correction is a new entry), the summary is the board's
summary as published, with what a correction corrects first.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator
from django.views.decorators.http import require_GET

from reports import selectors


class _ReportsFeed(Feed):
    feed_type = Atom1Feed

    def item_title(self, report):
        version = f" (version {report.number})" if report.number > 1 else ""
        return f"{report.plan.title}: progress report, {report.period.name}{version}"

    def item_link(self, report):
        return report.get_public_url()

    def item_updateddate(self, report):
        return report.published_at

    def item_pubdate(self, report):
        return report.published_at

    def item_description(self, report):
        lead = f"Corrects version {report.number - 1}: {report.correction_note} " if report.corrects_id else ""
        return lead + Truncator(report.summary).words(60)

    def item_author_name(self, report):
        return report.plan.local_area


class PlanReportsFeed(_ReportsFeed):
    def get_object(self, request, slug):
        return selectors.public_plan_or_404(slug)

    def title(self, plan):
        return f"{plan.local_area}: {plan.title}: progress reports"

    def subtitle(self, plan):
        return f"Termly progress reports on {plan.title}, as published on the Local Offer."

    def link(self, plan):
        return reverse("public-plan", args=[plan.slug])

    def feed_url(self, plan):
        return reverse("public-plan-feed", args=[plan.slug])

    def author_name(self, plan):
        return plan.local_area

    def items(self, plan):
        return selectors.public_feed_reports(plan)


class AllReportsFeed(_ReportsFeed):
    def title(self):
        return f"{settings.SENDPLAN_LOCAL_AREA}: SEND progress reports"

    def subtitle(self):
        return "Termly progress reports on every plan, as published on the Local Offer."

    def link(self):
        return reverse("public-index")

    def feed_url(self):
        return reverse("public-feed")

    def author_name(self):
        return settings.SENDPLAN_LOCAL_AREA

    def items(self):
        return selectors.public_feed_reports()


# Feeds are callables, not functions: login_not_required marks the instance the URL calls.
plan_reports_feed = login_not_required(require_GET(PlanReportsFeed()))
all_reports_feed = login_not_required(require_GET(AllReportsFeed()))
