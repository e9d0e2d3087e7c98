"""Template helpers shared by the public pages."""

from django import template

register = template.Library()


@register.filter
def blocks(text):
    """Split plan text into paragraphs and bulleted lists, for includes/text.html to lay out.

    The plan's text is kept as plain text: paragraphs separated by blank lines, and list items as
    lines starting with "- ". Each block is {"paragraph": str} or {"list_items": [str, ...]}
    (not "items": a template would find dict.items instead).
    """
    result = []
    for chunk in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        paragraph = [line for line in lines if not line.startswith("- ")]
        items = [line[2:] for line in lines if line.startswith("- ")]
        if paragraph:
            result.append({"paragraph": " ".join(paragraph)})
        if items:
            result.append({"list_items": items})
    return result


@register.filter
def provenance(items):
    """Where a group of records comes from, in one line: their sources in order, each said once.

    Records loaded from the same section share a line; one an officer entered or changed says so.
    """
    return " ".join(dict.fromkeys(item.provenance for item in items))
