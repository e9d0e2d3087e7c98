"""Reading pages as a user does, for tests across the apps."""

import re
from html import unescape


def text(page):
    """The visible text of a response or a piece of HTML, in one line, as a reader takes it in.

    Scripts, styles and titles (page and SVG) dropped, tags removed, entities decoded, spaces collapsed,
    and no space left before the punctuation that follows a tag: "<a>KPM-1.1</a>: Violent" reads
    "KPM-1.1: Violent".
    """
    html = page if isinstance(page, str) else page.content.decode()
    html = re.sub(r"<(script|style|title|desc)\b.*?</\1>", " ", html, flags=re.S)
    words = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))
    return re.sub(r" ([.,:;])", r"\1", words).strip()


def body(response):
    """The bytes a response sends, streamed (a CSV download) or not; a stream is read once and kept."""
    if not response.streaming:
        return response.content
    if not hasattr(response, "streamed"):
        response.streamed = b"".join(response.streaming_content)
    return response.streamed


def title(response):
    """The page's title, as a browser tab or screen reader announces it."""
    return unescape(re.search(r"<title>(.*?)</title>", response.content.decode(), flags=re.S).group(1).strip())


def sitemap(client):
    """Every section sitemap the sitemap index lists, as one text, for finding pages in it."""
    index = client.get("/sitemap.xml").content.decode()
    sections = re.findall(r"<loc>https?://[^/]+([^<]*)</loc>", index)
    assert sections, index
    return "".join(client.get(section).content.decode() for section in sections)
