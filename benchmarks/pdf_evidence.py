"""Is a report PDF the same as before a change to what we give WeasyPrint? Evidence for docs/benchmarks.md.

    python -m benchmarks.pdf_evidence snapshot report.pdf DIR   # page PNGs, text, pdfinfo, structure tree counts
    python -m benchmarks.pdf_evidence compare BEFORE_DIR AFTER_DIR

A snapshot keeps each page as a PNG at 60 dpi (pdftoppm), the text laid out (pdftotext -layout), pdfinfo, and
structure.json: the structure tree's elements counted by type, the document's /Lang, the figures' alt texts, the
table headers' scopes and the fonts embedded. compare says what differs: text, page count, structure, fonts, and
for each page the share of pixels that changed (PIL), so the pages that differ can be opened and looked at.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path


def structure(pdf_path: Path) -> dict:
    import pikepdf

    with pikepdf.open(pdf_path) as pdf:
        root = pdf.Root
        types: Counter[str] = Counter()
        scopes: Counter[str] = Counter()
        alts: list[str] = []
        seen: set[tuple[int, int]] = set()
        stack = [root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Array):
                stack.extend(node)
                continue
            if not isinstance(node, pikepdf.Dictionary):
                continue
            if node.is_indirect:
                if node.objgen in seen:
                    continue
                seen.add(node.objgen)
            kind = str(node.get("/S", ""))
            if kind:
                types[kind] += 1
                if kind == "/Figure":
                    alts.append(str(node.get("/Alt", "")))
                if kind == "/TH":
                    attributes = node.get("/A")
                    scopes[str(attributes.get("/Scope", "none")) if attributes is not None else "none"] += 1
            if "/K" in node:
                stack.append(node.K)
        fonts = sorted(
            {
                str(font.get("/BaseFont", "")).split("+")[-1]
                for page in pdf.pages
                for font in (page.Resources.get("/Font") or {}).values()
            }
        )
        return {
            "pages": len(pdf.pages),
            "lang": str(root.get("/Lang", "")),
            "marked": bool(root.get("/MarkInfo", {}).get("/Marked", False)),
            "types": dict(sorted(types.items())),
            "th_scopes": dict(sorted(scopes.items())),
            "figure_alts": alts,
            "fonts": fonts,
        }


def snapshot(pdf_path: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("page-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf_path), str(out / "page")], check=True)
    subprocess.run(["pdftotext", "-layout", str(pdf_path), str(out / "text.txt")], check=True)
    info = subprocess.run(["pdfinfo", str(pdf_path)], capture_output=True, text=True, check=True).stdout
    (out / "pdfinfo.txt").write_text(info)
    (out / "structure.json").write_text(json.dumps(structure(pdf_path), indent=1, sort_keys=True))


def compare(before: Path, after: Path) -> list[str]:
    from PIL import Image, ImageChops

    notes = []
    if (before / "text.txt").read_text() != (after / "text.txt").read_text():
        notes.append("text differs (diff the two text.txt)")
    a, b = (json.loads((d / "structure.json").read_text()) for d in (before, after))
    for key in a.keys() | b.keys():
        if a.get(key) != b.get(key):
            notes.append(f"structure {key}: {a.get(key)} -> {b.get(key)}")
    tagged = [("Tagged:" in line and "yes" in line) for line in (after / "pdfinfo.txt").read_text().splitlines()]
    if not any(tagged):
        notes.append("after is not tagged")
    pages_a, pages_b = sorted(before.glob("page-*.png")), sorted(after.glob("page-*.png"))
    for pa, pb in zip(pages_a, pages_b, strict=False):
        ia, ib = Image.open(pa).convert("RGB"), Image.open(pb).convert("RGB")
        if ia.size != ib.size:
            notes.append(f"{pa.name}: size {ia.size} -> {ib.size}")
            continue
        diff = ImageChops.difference(ia, ib).convert("L").point(lambda v: 255 if v > 24 else 0)
        changed = sum(diff.histogram()[255:]) / (ia.size[0] * ia.size[1])
        if changed:
            notes.append(f"{pa.name}: {changed:.3%} of pixels differ")
    if len(pages_a) != len(pages_b):
        notes.append(f"pages {len(pages_a)} -> {len(pages_b)}")
    return notes


if __name__ == "__main__":
    command, first, second = sys.argv[1:4]
    if command == "snapshot":
        snapshot(Path(first), Path(second))
    else:
        print("\n".join(compare(Path(first), Path(second))) or "same: text, structure, fonts and every page")
