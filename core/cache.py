"""The public page cache: every reader's GET of a public page, API list, CSV or feed, served from the shared cache.

Never stale. One *generation* token, kept in the shared cache (Redis in production), names the state of
the content; every cached response is stored with the token it was made under and is served only while
the token is unchanged. Any change to a record of the content apps (an admin save, a delete, a bulk
action, a history revert, an import, `loadplan`) replaces the token at once and again when its
transaction commits, so every app instance's next request makes the page afresh. (The first replacement
makes the change visible inside its own transaction, as in tests; the one on commit discards a page
another instance may have made from the data before the commit.) Changes that send no model signal
(`QuerySet.update()`, raw SQL) call `content_changed()` themselves.

What is cached: a GET (or HEAD) answered 200 by a request without a session, CSRF or messages cookie (so
never an officer's page, nor one that sets a cookie), outside the admin and the health probes; a streamed
download once it has all been sent, unless it is larger than PAGE_CACHE_MAX_BYTES. The key is the host,
scheme, address with its query, the encodings the client takes (gzip or not) and, where the response
varies on it, the `Accept` header. The compressed bytes are kept as the inner middleware made them, with
their headers (plain bytes and strings, not a pickled response), and a new response is made from them for
each request, so no rendering. A page whose content depends on the date is made afresh each day (the
date is in the key).

A hit reads one thing from the shared cache: the generation token. Each process also keeps the pages it
has recently served or made, each with the token it was made under (at most PAGE_CACHE_LOCAL_BYTES, 32
MiB, the least recently served dropped first), and serves its own copy only while the token it has just
read is that copy's: a change made through any instance is seen at once by every other. Only a page the
process does not have under the current token is read from the shared cache (a second read).

Conditional requests: every cached response carries its `ETag` (from ConditionalGetMiddleware) and a
`Last-Modified` (the time the content last changed, or the start of the day), and a request that has
them gets 304 Not Modified. Browsers are told to check each time (`Cache-Control: no-cache`), so they
never show a stale page either.

If the cache is down, pages are made afresh (never a 500) and `/readyz` says the cache is down. A
change made while the cache could not be told is remembered by the process, which replaces the token
as soon as the cache answers again.
"""

import hashlib
import logging
import secrets
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.http import http_date, parse_http_date_safe

logger = logging.getLogger(__name__)

GENERATION = "kcpp:content-generation"
# Entries are (generation, status, headers, body); "v2" since they stopped being pickled responses, so that an
# entry of the old kind left in a shared cache is never read as one of the new.
PAGE = "kcpp:page:v2:"
# The apps whose records the public pages, API and downloads show.
CONTENT_APPS = frozenset({"core", "priorities", "measures", "governance"})
# Requests carrying one of these may be an officer's, or see a page made for them: never cached.
PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, "messages")
UNCACHED_PREFIXES = ("/admin/", "/healthz", "/readyz")
# A response that varies on anything else is not cached (it may be made for one reader).
CACHEABLE_VARY = frozenset({"accept-encoding", "accept", "cookie", "origin"})
# How long an entry may sit unused before the cache drops it; never a reason for staleness (see above).
TIMEOUT = 24 * 60 * 60
# A response larger than this is not kept (PAGE_CACHE_MAX_BYTES overrides).
MAX_BYTES = 8 * 1024 * 1024
# What each process may keep of its own copies of pages (PAGE_CACHE_LOCAL_BYTES overrides; 0 keeps none).
LOCAL_BYTES = 32 * 1024 * 1024

# A change this process could not tell the cache about: told as soon as the cache answers again.
_owed = False


def _new_generation():
    return f"{time.time():.6f}:{secrets.token_hex(8)}"


def content_changed(**kwargs):
    """Replace the generation token now, and again when the current transaction commits.

    Connected to every model signal of the content apps; call it after a change that sends no signal.
    """
    sender = kwargs.get("sender")
    if sender is not None and getattr(getattr(sender, "_meta", None), "app_label", None) not in CONTENT_APPS:
        return
    _replace_generation()
    using = kwargs.get("using") or DEFAULT_DB_ALIAS
    connection = connections[using]
    if connection.in_atomic_block and not any(func is _replace_generation for *_, func, _ in connection.run_on_commit):
        transaction.on_commit(_replace_generation, using=using, robust=True)


def _replace_generation():
    global _owed
    try:
        cache.set(GENERATION, _new_generation(), None)
        _owed = False
    except Exception:  # the cache client's own errors: remember, and tell the cache when it is back
        _owed = True
        logger.warning("The page cache could not be told of a change; it will be when the cache answers.")


def connect_signals():
    post_save.connect(content_changed, dispatch_uid="kcpp-cache-save")
    post_delete.connect(content_changed, dispatch_uid="kcpp-cache-delete")
    m2m_changed.connect(content_changed, dispatch_uid="kcpp-cache-m2m")
    post_migrate.connect(lambda **kwargs: _replace_generation(), weak=False, dispatch_uid="kcpp-cache-migrate")


def current_generation():
    """The token, made if the cache has none (first start, or a flushed cache); None if the cache is down."""
    generation = _read_generation()
    if generation is None:
        cache.add(GENERATION, _new_generation(), None)
        generation = cache.get(GENERATION)
    return generation


def _read_generation():
    """The token as the shared cache has it now: read on every request, so by the quickest way the cache has
    (one GET on a connection of the process's own, for Redis: core/redis_cache.py)."""
    read = getattr(cache, "get_at_once", None)
    return read(GENERATION) if read is not None else cache.get(GENERATION)


class Page:
    """A stored response: its status, headers and bytes as made, and the generation it was made under."""

    __slots__ = ("body", "generation", "headers", "size", "status")

    def __init__(self, generation, status, headers, body):
        self.generation, self.status, self.headers, self.body = generation, status, dict(headers), body
        self.size = len(body) + sum(len(name) + len(value) for name, value in self.headers.items()) + 256

    @classmethod
    def of(cls, response, generation):
        return cls(generation, response.status_code, response.items(), response.content)

    def stored(self):
        """What the shared cache keeps: plain values, quick to pickle and unpickle."""
        return (self.generation, self.status, tuple(self.headers.items()), self.body)

    def response(self):
        """A new response for each request: middlewares outside this one add headers to it for their request."""
        return HttpResponse(self.body, status=self.status, headers=self.headers)


class LocalCopies:
    """The pages this process has served or made lately, least recently served dropped first past the budget.

    Only ever served while the generation the request has just read from the shared cache is theirs; when
    it changes, they are all dropped (a generation is never used again).
    """

    def __init__(self):
        self.pages = OrderedDict()
        self.bytes = 0
        self.generation = None
        self.lock = threading.Lock()

    def get(self, key, generation):
        with self.lock:
            if generation != self.generation:
                self._drop_all(generation)
                return None
            page = self.pages.get(key)
            if page is None or page.generation != generation:
                return None
            self.pages.move_to_end(key)
            return page

    def keep(self, key, page):
        budget = getattr(settings, "PAGE_CACHE_LOCAL_BYTES", LOCAL_BYTES)
        with self.lock:
            if page.generation != self.generation:
                return  # made under a generation already replaced (or not yet seen): never to be served here
            old = self.pages.pop(key, None)
            if old is not None:
                self.bytes -= old.size
            if page.size > budget:
                return
            self.pages[key] = page
            self.bytes += page.size
            while self.bytes > budget:
                self.bytes -= self.pages.popitem(last=False)[1].size

    def clear(self):
        with self.lock:
            self._drop_all(None)

    def _drop_all(self, generation):
        self.pages.clear()
        self.bytes = 0
        self.generation = generation


local_copies = LocalCopies()


class PublicPageCacheMiddleware:
    """Serve public GETs from the shared cache while nothing has changed (see the module's description)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = getattr(settings, "PAGE_CACHE", True)

    def __call__(self, request):
        if not self.enabled or not self.cacheable_request(request):
            return self.get_response(request)
        try:
            if _owed:
                _replace_generation()
            generation = current_generation()
            key = self.key(request)
            page = None if generation is None else self.copy(key, generation)
        except Exception:  # the cache is down: make the page afresh
            return self.get_response(request)
        if generation is None:  # a cache that keeps nothing: nothing is served from it, nor stored
            return self.get_response(request)
        if page is not None:
            return self.conditional(request, page.response())
        response = self.get_response(request)
        if request.method == "GET" and self.cacheable_response(response):
            self.mark(response, generation)
            if response.streaming:
                self.store_as_it_streams(response, key, generation)
                return self.conditional(request, response)
            if len(response.content) <= getattr(settings, "PAGE_CACHE_MAX_BYTES", MAX_BYTES):
                self.store(key, Page.of(response, generation))
            return self.conditional(request, response)
        return response

    @staticmethod
    def copy(key, generation):
        """The page made under `generation`: this process's own copy, else the shared cache's (kept here from
        now on), else None."""
        page = local_copies.get(key, generation)
        if page is not None:
            return page
        stored = cache.get(key)
        if stored is None or stored[0] != generation:
            return None
        page = Page(*stored)
        local_copies.keep(key, page)
        return page

    @staticmethod
    def store(key, page):
        local_copies.keep(key, page)
        try:
            cache.set(key, page.stored(), TIMEOUT)
        except Exception:
            logger.warning("The page cache could not store a page; it will be made afresh next time.")

    def store_as_it_streams(self, response, key, generation):
        """A streamed download (a whole CSV) goes to the client chunk by chunk, as made; a copy of the chunks
        is kept on the way and stored once the last has gone, unless it grows past PAGE_CACHE_MAX_BYTES
        (then it is dropped, and the download always streams in constant memory)."""
        limit = getattr(settings, "PAGE_CACHE_MAX_BYTES", MAX_BYTES)
        original = response.streaming_content

        def chunks():
            kept, size = [], 0
            for chunk in original:
                if kept is not None:
                    size += len(chunk)
                    if size <= limit:
                        kept.append(chunk)
                    else:
                        kept = None
                yield chunk
            if kept is not None:
                copy = HttpResponse(b"".join(kept), status=response.status_code)
                for header, value in response.items():
                    copy[header] = value
                if not copy.has_header("ETag"):
                    set_response_etag(copy)  # one the view gave stays, so a client that has it gets 304
                self.store(key, Page.of(copy, generation))

        response.streaming_content = chunks()

    @staticmethod
    def cacheable_request(request):
        return (
            request.method in ("GET", "HEAD")
            and not request.path.startswith(UNCACHED_PREFIXES)
            and not any(name in request.COOKIES for name in PERSONAL_COOKIES)
        )

    @staticmethod
    def cacheable_response(response):
        if response.status_code != 200 or response.cookies or getattr(response, "is_async", False):
            return False
        cache_control = response.get("Cache-Control", "")
        if "private" in cache_control or "no-store" in cache_control:
            return False
        vary = {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}
        return vary <= CACHEABLE_VARY

    @staticmethod
    def key(request):
        """The address as the client asked for it (host, scheme, path and query as sent), its encoding and date.

        The host is taken as sent: one Django refuses gets a 400 inside, which is never stored.
        """
        meta = request.META
        parts = [
            request.scheme,
            meta.get("HTTP_HOST", ""),
            request.path,
            meta.get("QUERY_STRING", ""),
            "gzip" if "gzip" in meta.get("HTTP_ACCEPT_ENCODING", "") else "identity",
            meta.get("HTTP_ACCEPT", "") if request.path.startswith("/api/") else "",
            time.strftime("%Y-%m-%d"),  # the local date: Django sets the process's time zone to TIME_ZONE
        ]
        return PAGE + hashlib.sha256("\n".join(parts).encode()).hexdigest()

    @staticmethod
    def mark(response, generation):
        """Headers for a reader's browser: check each time; here is when the content last changed."""
        changed = float(generation.split(":", 1)[0])
        day_began = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date(max(changed, day_began))
        patch_cache_control(response, no_cache=True)
        patch_vary_headers(response, ["Accept-Encoding"])

    @staticmethod
    def conditional(request, response):
        """304 Not Modified for a client that already has this version (by ETag, else by date)."""
        meta = request.META
        if "HTTP_IF_NONE_MATCH" not in meta and "HTTP_IF_MODIFIED_SINCE" not in meta:
            return response
        changed = parse_http_date_safe(response["Last-Modified"]) if response.has_header("Last-Modified") else None
        return get_conditional_response(request, etag=response.get("ETag"), last_modified=changed, response=response)
