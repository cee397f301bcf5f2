from django import template

from evidence import selectors

register = template.Library()


@register.simple_tag
def action_evidence(action) -> dict:
    """`{% action_evidence action as files_by_update %}`: the files of the action's submitted updates, by update id,
    in one query, for the action page's Progress updates tab (read only when its cached part is built)."""
    return selectors.action_files_by_update(action)
