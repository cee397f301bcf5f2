"""A QR code as inline SVG for the two-factor set-up page.

Drawn here from qrcode's module matrix as one path: no style attributes or <style> element, which the Content
Security Policy (style-src 'self') would block, and no fixed ids, so it can sit in any page.
"""

from __future__ import annotations

import qrcode
from django.utils.html import format_html

QUIET_ZONE = 4  # modules of white border the QR specification asks for


def qr_svg(data: str, *, title: str, title_id: str = "qr-code-title"):
    """Safe SVG markup for `data`, with `title` as its accessible name."""
    code = qrcode.QRCode(border=QUIET_ZONE, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()  # includes the quiet zone
    size = len(matrix)
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                runs.append(f"M{start},{y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return format_html(
        '<svg class="app-qr-code" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{px}" '
        'height="{px}" role="img" aria-labelledby="{title_id}" shape-rendering="crispEdges">'
        '<title id="{title_id}">{title}</title>'
        '<rect width="{size}" height="{size}" fill="#ffffff"/>'
        '<path fill="#000000" d="{path}"/></svg>',
        size=size,
        px=size * 6,
        title_id=title_id,
        title=title,
        path="".join(runs),
    )
