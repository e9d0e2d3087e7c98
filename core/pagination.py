"""Long public lists in pages, the same way on every list: GOV.UK's pagination component, the list's filters
kept in every page's link, and one answer to a page that does not exist.

A page number out of range, or not a number at all, gets a 404 page that says so and links to the list's
first page (its filters kept). `?page=all` shows the whole list on one page, for printing.
"""

import re

from django.core.paginator import InvalidPage
from django.template.response import TemplateResponse

ALL = "all"


class NoSuchPage(Exception):
    """A list was asked for a page it does not have."""

    def __init__(self, asked, num_pages):
        super().__init__(asked)
        self.asked = asked
        self.num_pages = num_pages


def page_url(query, number):
    """The address of page `number` of a list whose other parameters are `query` (already encoded)."""
    return f"?{query}&page={number}" if query else f"?page={number}"


def pagination(page, query):
    """What GOV.UK's pagination component shows for `page` (a Django paginator page): links to the previous
    and next pages, and numbered links to the first, the last, and the pages either side of the current one,
    with an ellipsis for each run of pages left out. None when the list fits on one page."""
    if not page.has_other_pages():
        return None
    last = page.paginator.num_pages
    shown = sorted({1, last, *range(max(1, page.number - 1), min(last, page.number + 1) + 1)})
    items = []
    for number in shown:
        if items and number > items[-1]["number"] + 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "url": page_url(query, number), "current": number == page.number})
    return {
        "previous_url": page_url(query, page.number - 1) if page.has_previous() else None,
        "next_url": page_url(query, page.number + 1) if page.has_next() else None,
        "items": items,
        "number": page.number,
        "num_pages": last,
        "first_shown": page.start_index(),
        "last_shown": page.end_index(),
    }


class PagedListMixin:
    """For a ListView or FilterView: its list in pages of `paginate_by`, or all on one page with `?page=all`.

    `list_name` names the list on the page that says a page does not exist ("the meetings").
    """

    paginate_by = 25
    list_name = "this list"

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except NoSuchPage as missing:
            if re.fullmatch(r"-?[0-9]+", missing.asked):
                pages = f"{missing.num_pages} page{'s' if missing.num_pages != 1 else ''}"
                problem = f"There is no page {missing.asked} of {self.list_name}: it has {pages}."
            else:
                problem = f"“{missing.asked[:20]}” is not a page number."
            query = self.page_query()
            context = {"problem": problem, "first_page_url": f"{request.path}?{query}" if query else request.path}
            return TemplateResponse(request, "no_such_page.html", {**context, "list_name": self.list_name}, status=404)

    def showing_all(self):
        return self.request.GET.get(self.page_kwarg) == ALL

    def get_paginate_by(self, queryset):
        return None if self.showing_all() else self.paginate_by

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        asked = self.request.GET.get(self.page_kwarg) or "1"
        try:
            page = paginator.page(asked)
        except InvalidPage:
            raise NoSuchPage(asked, paginator.num_pages) from None
        return paginator, page, page.object_list, page.has_other_pages()

    def page_query(self):
        """The request's parameters other than the page, encoded, for the links to other pages."""
        params = self.request.GET.copy()
        params.pop(self.page_kwarg, None)
        return params.urlencode()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page, query = context.get("page_obj"), self.page_query()
        context.update(
            item_count=page.paginator.count if page is not None else len(context["object_list"]),
            query=query,
            pagination=pagination(page, query) if page is not None else None,
            showing_all=self.showing_all(),
            page_size=self.paginate_by,
            all_on_one_page_url=page_url(query, ALL),
            in_pages_url=f"{self.request.path}?{query}" if query else self.request.path,
        )
        return context
