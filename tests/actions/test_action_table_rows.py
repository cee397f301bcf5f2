"""The action table's rows built in Python ({% action_table_rows %}, actions/templatetags/sendplan_tags.py) are the
same HTML as the template loop they replaced on the action list and an area's page, escaping included."""

from datetime import date

import pytest
from django.template import engines

from actions.models import Action
from actions.selectors import action_rows

# The rows as components/action_table.html wrote them before, one template loop per row.
LOOP = engines["django"].from_string(
    """{% load sendplan_tags %}
    {% for action in actions %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell">{{ action.ref }}</td>
      <td class="govuk-table__cell"><a class="govuk-link" href="{{ action.get_absolute_url }}">{{ action.text|truncatewords:28 }}</a>{% if show_area %}<br><span class="govuk-body-s">{{ action.area.plan.local_area }}, area {{ action.area.ref }}</span>{% endif %}</td>
      <td class="govuk-table__cell">{% for lead in action.leads.all %}{{ lead }}<span class="govuk-body-s"> ({{ lead.organisation }})</span>{% if not forloop.last %}<br>{% endif %}{% endfor %}</td>
      <td class="govuk-table__cell">{% due action %}</td>
      <td class="govuk-table__cell">{% rag_tag action.current_rag %}{% if action.needs_update %}<br><strong class="govuk-tag govuk-tag--orange">Needs update</strong>{% endif %}</td>
      <td class="govuk-table__cell">{{ action.area.plan|stage_word:action.stage }}{% if action.percent_complete is not None %}<br><span class="govuk-body-s">{{ action.percent_complete }}% complete</span>{% endif %}</td>
    </tr>
    {% empty %}
    <tr class="govuk-table__row"><td class="govuk-table__cell" colspan="6">No actions match.</td></tr>
    {% endfor %}
  """  # noqa: E501
)
COMPONENT = engines["django"].get_template("components/action_table.html")


def _tbody(html: str) -> str:
    return html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]


@pytest.mark.parametrize("show_area", [True, False])
def test_the_rows_are_the_template_loops_html(world, show_area):
    world.alice_action.text = 'Train <b>all</b> SENCOs & "others" ' + "word " * 40
    world.alice_action.revised_due_date = date(2026, 9, 1)
    world.alice_action.revised_due_reason = "Waiting for the new SENCO."
    world.alice_action.current_rag = "red"
    world.alice_action.stage, world.alice_action.percent_complete = "in_progress", 60
    world.alice_action.save()
    world.plan.local_area = "Riverside & <Co>"
    world.plan.stage_in_progress_label = "Under way & <on track>"
    world.plan.save()
    actions = list(action_rows(Action.objects.filter(area__plan=world.plan)).order_by("ref"))
    context = {"actions": actions, "show_area": show_area, "caption": "Actions"}
    expected = LOOP.render(context)
    assert _tbody(COMPONENT.render(context)) == expected
    assert "<b>" not in expected and "&lt;b&gt;" in expected and " …" in expected
    assert ("Riverside &amp; &lt;Co&gt;, area" in expected) is show_area
    assert "Needs update" in expected and "govuk-tag--red" in expected and "<br>" in expected
    assert 'Under way &amp; &lt;on track&gt;<br><span class="govuk-body-s">60% complete</span>' in expected
    assert "Not recorded</td>" in expected  # the actions without a stage


def test_no_actions_says_so():
    context = {"actions": [], "show_area": True, "caption": "Actions"}
    assert _tbody(COMPONENT.render(context)) == LOOP.render(context)
    assert "No actions match." in LOOP.render(context)
