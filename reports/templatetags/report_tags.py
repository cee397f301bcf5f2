from django import template

from reports import text

register = template.Library()

register.filter("text_blocks", text.text_blocks)
register.filter("rating_counts", text.rating_counts)
