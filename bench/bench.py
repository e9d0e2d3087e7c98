"""Benchmark the portal and write docs/benchmarks.md: `make bench`. Figures, not a pass or a fail.

1. Warm throughput. Serves the real plan as `make serve` runs it (gunicorn with 2 workers, WhiteNoise, debug
   off) and has wrk fetch a static file, then every kind of public page, every API list and every CSV
   download, each after one request that primes the cache, for BENCH_SECONDS (10) with BENCH_CONNECTIONS
   (8) connections: requests a second and p50/p99 latency, each as a ratio to the static file fetched
   just before it, since the machine's speed drifts. The static file and each address take turns, a second
   each, and each figure is the median of those turns', the ratio too, so that a burst of other work on a
   shared machine weighs on one turn, not on the whole comparison. The static file's own runs at the start
   and the end show how far the speed drifts.
2. Scale. For 1x, 10x and 100x the plan (BENCH_SCALES), each a scratch database of its own filled by
   `loadplan --illustrative` then `scaleplan --factor N --scratch`: each of those addresses made afresh
   in-process with Django's test client (every cache emptied before each request, so the page cache
   misses): its SQL queries, its median time over BENCH_REPEATS (5) requests and its size.

Scratch databases: kcpp_bench_1x, kcpp_bench_10x and kcpp_bench_100x on the PostgreSQL server of
DATABASE_URL when it names one (dropped at the end unless BENCH_KEEP=1), else SQLite files in a
temporary directory. The database DATABASE_URL names itself is never touched.
CACHE_URL is the cache (Redis, say), else each process's memory. wrk is installed from Debian's
packages where it is missing and this runs as root. It exits 0 unless it could not run.
"""

import argparse
import contextlib
import json
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path

from loadtest import HOST, request_for, serve

ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
OUTPUT = ROOT / "docs" / "benchmarks.md"
SECRET = secrets.token_urlsafe(50)

# The bars from issue 11 ("Fast at any size").
WARM_BAR = 0.7  # a warm page, API list or CSV serves at least 0.7 times the static file's requests a second
SCALE_BAR = 1.5  # the first page of every list at 100x takes at most 1.5 times its 1x time
WHOLE_CSV = "CSV, every row"
# Seconds of each address at a time, each after a second of the static file (see `throughput`).
TURN = 1


def setting(name, default):
    return os.environ.get(name) or default


def say(message):
    print(message, flush=True)


# ---- wrk ----------------------------------------------------------------------------------------


def ensure_wrk():
    """wrk's path, installed from Debian's packages if missing; else None and why."""
    if found := shutil.which("wrk"):
        return found, ""
    if os.geteuid() != 0:
        return None, "wrk is not installed, and installing it needs root: run `apt-get install -y wrk` as root"
    say("Installing wrk from Debian's packages (apt-get install -y wrk) …")
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.STDOUT, "check": False}
    if subprocess.run(install, **quiet).returncode != 0:  # noqa: S603
        subprocess.run(["apt-get", "update", "-q"], **quiet)  # noqa: S607
        subprocess.run(install, **quiet)  # noqa: S603
    if found := shutil.which("wrk"):
        return found, ""
    return None, "wrk is not installed, and `apt-get install -y wrk` failed"


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(binary, base, path, seconds, connections):
    """requests/s, p50 and p99 in ms, and the count of answers other than 2xx/3xx, from one wrk run."""
    command = [
        binary,
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "30s",
        "-H",
        f"Host: {HOST}",
        "-H",
        "X-Forwarded-Proto: https",
        "-H",
        "Accept-Encoding: gzip",  # as every browser sends it
        base + path,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=False).stdout  # noqa: S603

    def latency(percent):
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        return float(found.group(1)) * UNITS[found.group(2)] if found else None

    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": float(rate.group(1)) if rate else 0.0,
        "p50": latency(50),
        "p99": latency(99),
        "bad": int(bad.group(1)) if bad else 0,
        "socket_errors": sum(int(n) for n in errors.groups()) if errors else 0,
    }


# ---- the scratch databases -----------------------------------------------------------------------


class Databases:
    """One scratch database per scale: PostgreSQL beside DATABASE_URL's, or SQLite files in a temporary directory."""

    def __init__(self, url, directory):
        self.url = url if url.startswith(("postgres://", "postgresql://")) else ""
        self.directory = Path(directory)

    @property
    def engine(self):
        return "PostgreSQL" if self.url else "SQLite"

    @staticmethod
    def name(scale):
        return f"kcpp_bench_{scale}x"

    def url_for(self, scale):
        if not self.url:
            return f"sqlite:///{self.directory / (self.name(scale) + '.sqlite3')}"
        head, _, tail = self.url.rpartition("/")
        query = tail.partition("?")[2]
        return f"{head}/{self.name(scale)}" + (f"?{query}" if query else "")

    def postgres(self, sql):
        import psycopg2

        head = self.url.rpartition("/")[0]
        connection = psycopg2.connect(f"{head}/postgres")
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchone() if cursor.description else None
        finally:
            connection.close()

    def version(self):
        if self.url:
            return f"PostgreSQL {self.postgres('SHOW server_version')[0]}"
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"

    def create(self, scale, copy_of=None):
        """An empty database for `scale`, or a copy of the database for `copy_of`."""
        if self.url:
            self.drop(scale)
            template = f" TEMPLATE {self.name(copy_of)}" if copy_of else ""
            self.postgres(f"CREATE DATABASE {self.name(scale)}{template}")
        elif copy_of:
            shutil.copyfile(
                self.url_for(copy_of).removeprefix("sqlite:///"), self.url_for(scale).removeprefix("sqlite:///")
            )

    def drop(self, scale):
        if self.url:
            self.postgres(f"DROP DATABASE IF EXISTS {self.name(scale)} WITH (FORCE)")


def manage(environment, *arguments):
    result = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", *arguments], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(arguments)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def build(databases, scales, environment):
    """Fill a scratch database for each scale: the plan and its illustrative values once, copied, then scaled."""
    first = None
    for scale in scales:
        started = time.monotonic()
        databases.create(scale, copy_of=first)
        env = {**environment, "DATABASE_URL": databases.url_for(scale)}
        if first is None:
            manage(env, "migrate", "--no-input", "-v0")
            manage(env, "loadplan", "--illustrative", "-v0")
            first = scale
        manage(env, "scaleplan", "--factor", str(scale), "--scratch", "-v0")
        say(f"  {databases.name(scale)}: {scale}x the plan, {time.monotonic() - started:.0f} s")


# ---- what to fetch -------------------------------------------------------------------------------


def get(base, path):
    """The status and text of one answer, whatever its status."""
    try:
        with urllib.request.urlopen(request_for(base + path), timeout=60) as response:  # noqa: S310 - our own server
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def local(url):
    return re.sub(r"^https?://[^/]+", "", url)


def discover(base):
    """Every kind of public page, API list and CSV, as real addresses found in the sitemap, the API and the pages."""
    index = get(base, "/sitemap.xml")[1]
    listed = [local(url) for section in re.findall(r"<loc>(.*?)</loc>", index) for url in locs(base, local(section))]

    def first(pattern, within=""):
        matches = [path for path in listed if re.fullmatch(pattern, path)]
        preferred = [path for path in matches if path.startswith(within)]
        return (preferred or matches or [None])[0]

    editions = json.loads(get(base, "/api/v1/editions/")[1])["results"]
    current = next((e for e in editions if e["status"] == "published"), editions[0])
    edition = local(current["web_url"])
    meetings = json.loads(get(base, "/api/v1/meetings/")[1])["results"]
    meeting = max(meetings, key=lambda m: (len(m["agenda_items"]), len(m["documents"]), m["minutes"] is not None))
    measure = first(r"/measures/[^/]+/")
    search = setting("BENCH_SEARCH", "crime")
    pages = [
        ("home", "/"),
        ("plan on a page", "/plan/"),
        ("plan editions", "/plans/"),
        ("edition", edition),
        ("priority", first(r"/plans/[^/]+/[^/]+/", within=edition)),
        ("action", first(r"/plans/[^/]+/[^/]+/actions/\d+/", within=edition)),
        ("measure status", "/measures/"),
        ("measure", measure),
        ("governance", "/governance/"),
        ("body", first(r"/governance/[^/]+/")),
        ("meetings", "/meetings/"),
        ("meeting", local(meeting["web_url"])),
        ("search", f"/search/?q={search}"),
        ("open data", "/data/"),
    ]
    root = json.loads(get(base, "/api/v1/")[1])
    api = [(f"API {name}", local(url)) for name, url in root["collections"].items()]
    data = get(base, "/data/")[1]
    site_wide = [path for path in dict.fromkeys(re.findall(r'href="(/[^"?]+\.csv)"', data)) if path.count("/") == 2]
    csvs = [(WHOLE_CSV, path) for path in site_wide] + [("CSV, one measure's values", f"{measure}values.csv")]
    return [(kind, path) for kind, path in pages + api + csvs if path]


def locs(base, path):
    return re.findall(r"<loc>(.*?)</loc>", get(base, path)[1])


def static_file(base):
    """The collected stylesheet (its hashed name) that every page links to."""
    for page in ("/", "/plans/", "/data/"):
        html = get(base, page)[1]
        if found := re.search(r'href="(/static/css/app[^"]*\.css)"', html):
            return found.group(1)
    sys.exit("No page links to the collected stylesheet (/static/css/app.….css): the portal is not answering.")


# ---- 1. warm throughput ----------------------------------------------------------------------------


def throughput(binary, environment, options):
    """Serve the 1x database as `make serve` does, and run wrk on the static file, then each address.

    The machine's speed drifts (a shared virtual machine's more than most), so each address is compared
    with runs on the static file just before each of its turns, as long as they. The full-length runs on the
    static file first and last show the drift over the whole run.
    """
    server, base = serve(environment, free_port())
    try:
        addresses = discover(base)
        static = static_file(base)
        wrk(binary, base, static, 2, options.connections)  # wakes the workers up: not counted

        def prime(path):
            try:
                return get(base, path)[0]  # primes the cache
            except OSError as error:
                return str(getattr(error, "code", error))

        def show(row):
            latency = f"p50 {fmt_ms(row['p50'])}  p99 {fmt_ms(row['p99'])}"
            say(f"  {row['kind']:26} {row['rps']:7.0f}/s {row['ratio']:5.2f}x  {latency}  {row['path']}")
            return row

        def alone(kind):
            result = wrk(binary, base, static, options.seconds, options.connections)
            return show(
                {"kind": kind, "path": static, "status": prime(static), "static_rps": None, "ratio": 1.0, **result}
            )

        def in_turns(kind, path):
            """The static file for a second, then the address for TURN seconds, until the address has had
            BENCH_SECONDS (or a little more); the medians of the turns."""
            status = prime(path)
            turns = []
            for _ in range(max(1, math.ceil(options.seconds / TURN))):
                before = wrk(binary, base, static, 1, options.connections)
                turns.append((before, wrk(binary, base, path, TURN, options.connections)))
            served = [result for _, result in turns]

            def median(name, results=served):
                values = [result[name] for result in results if result[name] is not None]
                return statistics.median(values) if values else None

            return show(
                {
                    "kind": kind,
                    "path": path,
                    "status": status,
                    "rps": median("rps"),
                    "p50": median("p50"),
                    "p99": median("p99"),
                    "bad": sum(result["bad"] for result in served),
                    "socket_errors": sum(result["socket_errors"] for result in served),
                    "static_rps": median("rps", [before for before, _ in turns]),
                    "ratio": statistics.median(result["rps"] / (before["rps"] or 1.0) for before, result in turns),
                }
            )

        rows = [alone("static file")]
        rows += [in_turns(kind, path) for kind, path in addresses]
        rows.append(alone("static file, again"))
        return rows, addresses
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


# ---- 2. queries and time at each scale (in-process, run as `bench.py --measure`) ---------------------------


def measure_in_process(paths_file, out_file, repeats):
    """Each address made afresh, in this process, against DATABASE_URL: queries, median time and size.

    Every cache is emptied before each request, so the page cache misses; one more request, without
    emptying it, says whether the address is then served from the cache (no query).
    """
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "kcpp.settings"
    import django

    django.setup()
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from core.downloads import CHUNK  # rows read from the database, and written, at a time for a download

    client = Client(raise_request_exception=False, HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https")

    def clear_caches():
        for cache in caches.all():
            cache.clear()

    def fetch(path, *, afresh=True):
        if afresh:
            clear_caches()  # the page cache misses, as for the first reader after a change
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            elapsed = time.perf_counter() - started
        return response.status_code, len(queries), elapsed * 1000, len(body), response.streaming

    # A reader with a CSRF cookie is never served from, nor stored in, the page cache (core/cache.py): the
    # memory of a download made for them is the download's own.
    uncached = Client(raise_request_exception=False, HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https")
    uncached.cookies["csrftoken"] = "b" * 32

    def peak_memory(path):
        """The most memory Python held at once while a streamed download was made and read, in bytes; None for
        an answer that is not streamed."""
        tracemalloc.start()
        response = uncached.get(path)
        for _ in response.streaming_content if response.streaming else ():
            pass
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak if response.streaming else None

    results = {}
    for path in json.loads(Path(paths_file).read_text()):
        fetch(path)  # the first request of each address loads its code and templates: not counted
        runs = [fetch(path) for _ in range(repeats)]
        warm = fetch(path, afresh=False)  # the last run left the page in the cache
        results[path] = {
            "warm_queries": warm[1],
            "status": runs[-1][0],
            "queries": runs[-1][1],
            "queries_vary": len({run[1] for run in runs}) > 1,
            "ms": statistics.median(run[2] for run in runs),
            "bytes": runs[-1][3],
            "peak_bytes": peak_memory(path) if runs[-1][4] else None,  # only a streamed download's
            "chunk": CHUNK,
        }
    Path(out_file).write_text(json.dumps(results))


def scaled(databases, scales, addresses, environment, options, directory):
    paths_file = Path(directory) / "paths.json"
    paths_file.write_text(json.dumps([path for _, path in addresses]))
    found = {}
    for scale in scales:
        started = time.monotonic()
        out_file = Path(directory) / f"measured-{scale}.json"
        env = {**environment, "DATABASE_URL": databases.url_for(scale)}
        result = subprocess.run(  # noqa: S603
            [PYTHON, __file__, "--measure", str(paths_file), str(out_file), str(options.repeats)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            sys.exit(f"Measuring {scale}x failed:\n{result.stderr[-3000:]}")
        found[scale] = json.loads(out_file.read_text())
        say(f"  {scale}x: {len(addresses)} addresses, {options.repeats} times each, {time.monotonic() - started:.0f} s")
    return found


# ---- the report ------------------------------------------------------------------------------------


def fmt_ms(value):
    if value is None:
        return "–"
    return f"{value:.2f} ms" if value < 10 else f"{value:.0f} ms"


def fmt_bytes(count):
    return f"{count / 1024:.1f} kB" if count < 1024 * 1024 else f"{count / 1024 / 1024:.1f} MB"


def verdict(meets):
    return "meets" if meets else "**misses**"


def machine():
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        model = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        cpu = model.group(1).strip() if model else cpu
    memory = ""
    with contextlib.suppress(OSError, AttributeError):
        kib = int(re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.M).group(1))
        memory = f", {kib / 1024 / 1024:.1f} GiB memory"
    return f"{os.cpu_count()} cores, {cpu}{memory}, {platform.system()} {platform.release()}"


def without_password(url):
    """A service's address as the report may show it: any password replaced by ***."""
    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", url)


def cache_description(url):
    if not url.startswith(("redis://", "rediss://")):
        return "in-process memory (locmem), one per process"
    try:
        import redis

        version = redis.Redis.from_url(url).info()["redis_version"]
    except Exception:  # the report says what it could find
        version = "?"
    return f"Redis {version} ({without_password(url)})"


def versions():
    def output(command):
        try:
            result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        except OSError:
            return ""
        return (result.stdout + result.stderr).strip().splitlines()[0] if (result.stdout + result.stderr) else ""

    django = output([PYTHON, "-c", "import django; print('Django', django.get_version())"])
    gunicorn = output([str(ROOT / ".venv" / "bin" / "gunicorn"), "--version"])
    return django, gunicorn


def report(context, warm, scales, measured, addresses):
    lines = [
        "# Benchmarks",
        "",
        "Made by `make bench` (`bench/bench.py`); every figure below is from the run of "
        f"{context['date']}. It rewrites this file whole; to rerun it as this run was made:",
        "",
        "```sh",
        f"make bench{context['command']}",
        "```",
        "",
        f"- **Machine:** {context['machine']}",
        f"- **Database:** {context['database']}; **cache:** {context['cache']}",
        f"- **Software:** Python {platform.python_version()}, {context['django']}, {context['gunicorn']}"
        + (f", {context['wrk_version']}" if context["wrk_version"] else ""),
        f"- **Run:** {context['duration']:.0f} s in all",
        "",
        "Bars (issue 11, *Fast at any size*): a warm page, API list or CSV serves at least "
        f"**{WARM_BAR:.1f}x** the static file's requests a second; the first page of every list at 100x takes at "
        f"most **{SCALE_BAR}x** its 1x time; every address costs the **same number of queries** at every scale. "
        "Each row says whether it meets its bar. These are figures, not a test: nothing fails on them.",
        "",
    ]
    lines += warm_section(context, warm)
    lines += scale_section(scales, measured, addresses)
    return "\n".join(lines) + "\n"


def warm_section(context, warm):
    lines = ["## Warm throughput", ""]
    if warm is None:
        return [*lines, f"Not measured: {context['wrk_problem']}.", ""]
    first, last = warm[0], warm[-1]
    static_turns = [row["static_rps"] for row in warm if row["static_rps"]]
    turns = math.ceil(context["seconds"] / TURN)
    lines += [
        f"The real plan (1x, `loadplan --illustrative`) served as `make serve` runs it: gunicorn with 2 workers, "
        f"WhiteNoise for static files, debug off, on the same {os.cpu_count()} cores as wrk. wrk ran "
        f"{turns * TURN} s per address with {context['connections']} connections and "
        "`Accept-Encoding: gzip`, after one request that primed the cache. Each address is compared with the "
        f"static file (`{first['path']}`) fetched just before it, since the machine's speed drifts (the static "
        f"file served {first['rps']:.0f} requests a second at the start, {last['rps']:.0f} at the end, and "
        f"{min(static_turns):.0f} to {max(static_turns):.0f} in between, as the median of each address's turns): "
        f"the two took turns, the static file for 1 s then the address for {TURN} s, {turns} times, and each "
        "figure is the median of those turns, the ratio too (the median of each turn's ratio), so that a burst of "
        "other work on the machine weighs on one turn only.",
        "",
        "| address | kind | requests/s | p50 | p99 | static file just before | vs static | bar ≥ 0.7x |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in warm:
        problems = []
        if row["status"] != 200:
            problems.append(f"answered {row['status']}")
        if row["bad"]:
            problems.append(f"{row['bad']} answers not 2xx/3xx")
        if row["socket_errors"]:
            problems.append(f"{row['socket_errors']} socket errors")
        static = row["kind"].startswith("static file")
        bar = "baseline" if static else verdict(warm_meets(row))
        if problems:
            bar += " (" + ", ".join(problems) + ")"
        lines.append(
            f"| `{row['path']}` | {row['kind']} | {row['rps']:.0f} | {fmt_ms(row['p50'])} | {fmt_ms(row['p99'])} "
            f"| {'' if static else round(row['static_rps'])} | {row['ratio']:.2f}x "
            f"| {bar} |"
        )
    checked = [row for row in warm if not row["kind"].startswith("static file")]
    meeting = sum(warm_meets(row) for row in checked)
    return [*lines, "", f"{meeting} of {len(checked)} addresses meet the warm bar.", ""]


def warm_meets(row):
    """At least WARM_BAR times the static file's rate, every answer a 200 (an error page's speed counts for nothing)."""
    return row["status"] == 200 and not row["bad"] and row["ratio"] >= WARM_BAR


def scale_section(scales, measured, addresses):
    small, large = scales[0], scales[-1]
    chunk = measured[large][addresses[0][1]]["chunk"]
    lines = [
        "## Queries and time at each scale",
        "",
        f"Scratch databases holding {', '.join(f'{s}x' for s in scales)} the plan (`loadplan --illustrative`, then "
        "`scaleplan --factor N --scratch`: each priority's themes, actions and measures with their values, and the "
        "meetings with their agenda, decisions, attendance, minutes and papers, copied N-1 times; editions, "
        "priorities, bodies, partners and key decisions are not). Each address made afresh in-process with "
        "Django's test client, every cache emptied before each request so that the page cache misses: the SQL "
        f"queries, the median time of {measured['repeats']} requests (after one that loads the code) and the size "
        "of the body, uncompressed. *Queries warm* are those of one more request without emptying the cache: 0 "
        "means the address is then served from the page cache.",
        "",
        "| address | kind | queries "
        + " / ".join(f"{s}x" for s in scales)
        + " | median ms "
        + " / ".join(f"{s}x" for s in scales)
        + f" | {large}x ÷ {small}x | size "
        + " / ".join(f"{s}x" for s in scales)
        + " | queries warm "
        + " / ".join(f"{s}x" for s in scales)
        + f" | same queries | ≤ {SCALE_BAR}x time |",
        "| --- | --- | --- | --- | ---: | --- | --- | --- | --- |",
    ]
    same_count = time_count = 0
    memory = []
    for kind, path in addresses:
        rows = [measured[scale][path] for scale in scales]
        queries = [row["queries"] for row in rows]
        times = [row["ms"] for row in rows]
        answered = all(row["status"] == 200 for row in rows)  # an error page's figures meet no bar
        same = answered and len(set(queries)) == 1
        ratio = times[-1] / times[0] if times[0] else float("inf")
        fast = answered and ratio <= SCALE_BAR
        notes = [f"{s}x answered {r['status']}" for s, r in zip(scales, rows, strict=True) if r["status"] != 200]
        notes += [f"{s}x queries varied" for s, r in zip(scales, rows, strict=True) if r["queries_vary"]]
        if kind == WHOLE_CSV:
            # The whole file must take longer as it grows: its bar is memory that does not (below).
            memory.append((path, [row["peak_bytes"] for row in rows], [row["bytes"] for row in rows]))
            notes.append("the whole file: its time grows with the data; its memory, below")
        same_count += same
        time_count += fast and kind != WHOLE_CSV
        timed = verdict(fast) if kind != WHOLE_CSV else "not its bar"
        note = f" ({', '.join(notes)})" if notes else ""
        lines.append(
            f"| `{path}` | {kind} | {' / '.join(map(str, queries))} | "
            f"{' / '.join(fmt_ms(t).removesuffix(' ms') for t in times)} | {ratio:.2f}x | "
            f"{' / '.join(fmt_bytes(r['bytes']) for r in rows)} | {' / '.join(str(r['warm_queries']) for r in rows)} | "
            f"{verdict(same)} | {timed}{note} |"
        )
    lines += [
        "",
        f"{same_count} of {len(addresses)} addresses cost the same queries at every scale; {time_count} of "
        f"{len(addresses) - len(memory)} lists and pages take at most {SCALE_BAR}x their {small}x time at {large}x.",
        "",
        "### Whole-file CSVs: memory",
        "",
        "A download of every row must take longer as the data grows; what must not grow is the memory it takes. "
        "The most memory Python held at once (`tracemalloc`) while each file was made and read to its end, for a "
        "reader the page cache does not serve (a copy of a file, kept in the cache once it has been sent whole, "
        f"is bounded apart, by `PAGE_CACHE_MAX_BYTES`). Rows are read and written {chunk} at a time, so a file of "
        f"up to {chunk} rows is in memory whole, and a longer one no more than that at once; these files reach "
        f"{chunk} rows only at the largest scales, so the figures show the growth up to it. "
        "`tests/test_download_memory.py` checks the bar itself, with chunks of 7 rows: a file ten times the size "
        "holds no more memory while it is sent. The peak also counts garbage Python has not yet collected.",
        "",
        "| address | peak memory "
        + " / ".join(f"{s}x" for s in scales)
        + " | file "
        + " / ".join(f"{s}x" for s in scales)
        + " |",
        "| --- | --- | --- |",
    ]
    for path, peaks, sizes in memory:
        lines.append(
            f"| `{path}` | {' / '.join(fmt_bytes(p or 0) for p in peaks)} | {' / '.join(fmt_bytes(b) for b in sizes)} |"
        )
    lines.append("")
    return lines


# ---- the whole run -------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=int(setting("BENCH_SECONDS", 10)))
    parser.add_argument("--connections", type=int, default=int(setting("BENCH_CONNECTIONS", 8)))
    parser.add_argument("--repeats", type=int, default=int(setting("BENCH_REPEATS", 5)))
    parser.add_argument("--scales", default=setting("BENCH_SCALES", "1,10,100"))
    parser.add_argument("--output", type=Path, default=Path(setting("BENCH_OUTPUT", OUTPUT)))
    parser.add_argument("--measure", nargs=3, metavar=("PATHS", "OUT", "REPEATS"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure:
        paths_file, out_file, repeats = options.measure
        measure_in_process(paths_file, out_file, int(repeats))
        return
    began = time.monotonic()
    scales = sorted({int(scale) for scale in options.scales.split(",")})
    cache_url = setting("CACHE_URL", "locmemcache://")
    with tempfile.TemporaryDirectory(prefix="kcpp-bench-") as directory:
        databases = Databases(setting("DATABASE_URL", ""), directory)
        environment = {
            "PATH": os.environ["PATH"],
            "HOME": os.environ.get("HOME", directory),
            "DJANGO_ENV_FILE": "",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": SECRET,
            "DJANGO_ALLOWED_HOSTS": HOST,
            "CACHE_URL": cache_url,
            "DJANGO_API_ANON_RATE": "100000000/minute",  # one client address here stands for many readers
            "DJANGO_STATIC_ROOT": str(Path(directory) / "static"),
            "DJANGO_MEDIA_ROOT": str(Path(directory) / "media"),
            "WEB_CONCURRENCY": "2",
        }
        binary, wrk_problem = ensure_wrk()
        say(f"Scratch databases ({databases.engine}), cache {cache_url}:")
        build(databases, scales, environment)
        try:
            warm = None
            if binary:
                say(f"Warm throughput, {options.seconds} s each with {options.connections} connections (wrk):")
                warm, addresses = throughput(
                    binary, {**environment, "DATABASE_URL": databases.url_for(scales[0])}, options
                )
            else:
                say(f"No warm throughput: {wrk_problem}.")
                addresses = discover_without_wrk(environment, databases.url_for(scales[0]))
            say("Queries and median time, made afresh (in-process):")
            measured = scaled(databases, scales, addresses, environment, options, directory)
            measured["repeats"] = options.repeats
            context = {
                "date": datetime.now().astimezone().strftime("%-d %B %Y, %H:%M %Z"),
                "machine": machine(),
                "database": databases.version(),
                "cache": cache_description(cache_url),
                "seconds": options.seconds,
                "connections": options.connections,
                "wrk_problem": wrk_problem,
                "command": "".join(
                    f" {name}={without_password(os.environ[name])}"
                    for name in ("DATABASE_URL", "CACHE_URL")
                    if os.environ.get(name)
                ),
                "wrk_version": wrk_version(binary),
                "duration": time.monotonic() - began,
            }
            context["django"], context["gunicorn"] = versions()
        finally:
            if not os.environ.get("BENCH_KEEP"):
                for scale in scales:
                    databases.drop(scale)
        text = report(context, warm, scales, measured, addresses)
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(text)
    say("")
    say(text)
    say(f"Written to {options.output}")


def discover_without_wrk(environment, url):
    """The addresses to measure, found by serving the 1x database briefly when wrk cannot run."""
    server, base = serve({**environment, "DATABASE_URL": url}, free_port())
    try:
        return discover(base)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


def wrk_version(binary):
    if not binary:
        return ""
    result = subprocess.run([binary, "-v"], capture_output=True, text=True, check=False)  # noqa: S603
    found = re.search(r"wrk \S+", result.stdout + result.stderr)
    return found.group(0) if found else "wrk"


if __name__ == "__main__":
    main()
