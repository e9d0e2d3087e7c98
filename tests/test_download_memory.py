"""The downloads of every row stream in constant memory: a file ten times the size takes no more memory to
make and send, since rows are read and written a chunk at a time (core/downloads.py). Memory, not time: the
benchmark (`make bench`) prints the figures at 1x, 10x and 100x."""

import gc
import tracemalloc

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

WHOLE_FILES = ["/measures/values.csv", "/measures/status.csv", "/plans/actions.csv"]


@pytest.fixture
def small_chunks(monkeypatch):
    """Downloads read and written 7 rows at a time, so that the plan at 2x already crosses many chunks."""
    for module in ("core.downloads", "measures.csv_export", "measures.views", "priorities.csv_export"):
        monkeypatch.setattr(f"{module}.CHUNK", 7)


def made_and_read(path):
    """The size of a download, and the memory it holds halfway through being made and read: what Python still
    held then (garbage collected first) of all it allocated for the download. A reader with a CSRF cookie
    is never served from the page cache, nor is their file kept in it."""
    client = Client()
    client.cookies["csrftoken"] = "b" * 32
    chunks = sum(1 for _ in client.get(path).streaming_content)  # this first request also loads the code
    tracemalloc.start()
    try:
        response = client.get(path)
        assert response.streaming, path
        size = 0
        for number, chunk in enumerate(response.streaming_content):
            size += len(chunk)
            if number == chunks // 2:
                gc.collect()
                held = tracemalloc.get_traced_memory()[0]
        return size, held
    finally:
        tracemalloc.stop()


def test_a_file_ten_times_the_size_holds_no_more_memory_while_it_is_sent(real_plan, small_chunks):
    call_command("scaleplan", factor=2, scratch=True, verbosity=0)
    small = {path: made_and_read(path) for path in WHOLE_FILES}
    call_command("scaleplan", factor=20, scratch=True, verbosity=0)
    large = {path: made_and_read(path) for path in WHOLE_FILES}

    for path in WHOLE_FILES:
        (small_size, small_held), (large_size, large_held) = small[path], large[path]
        assert large_size > 8 * small_size, path
        assert large_held < 1.5 * small_held, (path, small_held, large_held)
