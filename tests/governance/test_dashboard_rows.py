"""The dashboard's long lists, built in Python (governance.templatetags.dashboard_tags, sendplan.links): the same
links, words and escaping as the template language gave."""

import pytest
from django.template.defaultfilters import truncatewords
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from actions.models import Action, Officer, Rag
from governance.dashboard import plan_dashboard
from governance.templatetags.dashboard_tags import words
from sendplan.links import url_for_pk
from tests.governance.test_dashboard import rate_in


def test_url_for_pk_gives_what_reverse_gives():
    for name in ("action-detail", "kpi-detail", "area-detail"):
        url = url_for_pk(name)
        for pk in (1, 7, 90, 12345):
            assert url(pk) == reverse(name, args=[pk])
    with pytest.raises(NoReverseMatch):
        url_for_pk("home")


@pytest.mark.parametrize(
    "text",
    ["", "One", "Exactly three words", "  Spaces   and\nnew lines\tcount   as one gap ", "a b c d e f g h i j k l"],
)
def test_words_truncates_as_the_template_filter_does(text):
    for count in (1, 3, 10):
        assert words(text, count) == truncatewords(text, count)


def test_what_people_typed_is_escaped_in_every_list(world):
    Action.objects.filter(pk=world.shared_action.pk).update(text="Use <b>bold</b> & <script>x()</script> here")
    Officer.objects.filter(pk=world.dco.pk).update(post_title="DCO <i>acting</i>")
    # Submitting the update saves the action: its history row (which the dashboard reads) has the new words.
    rate_in(world.period, world.shared_action, Rag.RED, world.alice, timezone.now(), recovery_note="<em>Soon</em>")
    html = render_to_string(
        "governance/_dashboard_body.html", {"plan": world.plan, "board": plan_dashboard(world.plan)}
    )
    assert "<script>" not in html and "<b>bold</b>" not in html and "<em>Soon</em>" not in html
    assert "Use &lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;x()&lt;/script&gt; here" in html
    assert "DCO &lt;i&gt;acting&lt;/i&gt;" in html
    assert "&lt;em&gt;Soon&lt;/em&gt;" in html
    assert f'href="{reverse("action-detail", args=[world.shared_action.pk])}"' in html
