import base64
import xml.etree.ElementTree as ET

from django import template
from django.utils.html import format_html

from reports import text

register = template.Library()

register.filter("text_blocks", text.text_blocks)
register.filter("rating_counts", text.rating_counts)

SVG_TITLE = "{http://www.w3.org/2000/svg}title"


@register.tag
def chart_image(parser, token):
    """`{% chart_image %}<svg ...>...</svg>{% endchart_image %}`: the chart as it is on the web page; in the PDF's
    document (`pdf` in the context) the same SVG as an <img> with a data: URL, its <title> as the alt text.

    For WeasyPrint the drawing is the same either way, and so is the tagging (a Figure whose /Alt is the title), but
    an inline SVG's every node goes through the HTML parser and the CSS cascade as an element of the page: half the
    report's elements, for a tenth of its content. As an image it is parsed by the XML parser alone."""
    nodelist = parser.parse(("endchart_image",))
    parser.delete_first_token()
    return ChartImageNode(nodelist)


class ChartImageNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        svg = self.nodelist.render(context)
        if not context.get("pdf"):
            return svg
        # The white space around the chart stays as it is: it is text in the PDF's structure tree too.
        chart = svg.strip()
        before, after = svg[: svg.index(chart)], svg[svg.index(chart) + len(chart) :]
        root = ET.fromstring(chart)
        title = root.find(SVG_TITLE)
        return format_html(
            '{}<img class="{}" alt="{}" src="data:image/svg+xml;base64,{}">{}',
            before,
            root.get("class", ""),
            "".join(title.itertext()) if title is not None else "",
            base64.b64encode(chart.encode()).decode("ascii"),
            after,
        )
