"""Reading pages as a user does, for tests across the apps."""

import re
from html import unescape


def text(response):
    """The page's visible text: scripts, styles and titles (page and SVG) dropped, tags removed, spaces collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style|title|desc)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" .", ".")).strip()


def title(response):
    """The page's title, as a browser tab or screen reader announces it."""
    return unescape(re.search(r"<title>(.*?)</title>", response.content.decode(), flags=re.S).group(1).strip())
