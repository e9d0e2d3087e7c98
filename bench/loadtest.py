"""Load the portal as production serves it, and print what it answered: `make loadtest`.

Starts `make serve` on a fresh database (PostgreSQL and Redis when DATABASE_URL and CACHE_URL say so),
then has CLIENTS clients fetch the pages of the sitemap, the API and the downloads for DURATION seconds
and prints requests per second and every status seen. With FAULT=postgres it restarts PostgreSQL
half-way through (pg_ctlcluster, as on a Debian server); with FAULT=redis it stops Redis half-way and
starts it again at the end. Figures, not a pass or a fail: the bars are in the README.
"""

import argparse
import collections
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "portal.example.org"
REDIS = 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no'


def request_for(url):
    """A request as a browser behind the production proxy sends it: the site's host name, over HTTPS."""
    return urllib.request.Request(url, headers={"Host": HOST, "X-Forwarded-Proto": "https"})  # noqa: S310 - local


def fetch(base, path, timeout=30):
    request = request_for(base + path)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - our own local server
            response.read()
            return response.status, response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        error.read()
        return error.code, error.headers.get("Content-Type", "")
    except OSError as error:
        return f"no answer ({error.__class__.__name__})", ""


def serve(environment, port):
    server = subprocess.Popen(
        ["make", "--no-print-directory", "serve"],  # noqa: S607
        cwd=ROOT,
        env={**environment, "PORT": str(port), "WEB_CONCURRENCY": environment.get("WEB_CONCURRENCY", "4")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while fetch(base, "/healthz", timeout=2)[0] != 200:
        if server.poll() is not None or time.monotonic() > deadline:
            sys.exit("make serve did not start")
        time.sleep(0.5)
    return server, base


def fault(kind):
    if kind == "postgres":
        version = sorted(os.listdir("/etc/postgresql"))[0]
        print(f"  … restarting PostgreSQL {version} …", flush=True)
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True)  # noqa: S603, S607
        print("  … PostgreSQL is back", flush=True)
    elif kind == "redis":
        print("  … stopping Redis …", flush=True)
        subprocess.run(["redis-cli", "-h", "127.0.0.1", "shutdown", "nosave"], check=False)  # noqa: S607


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=int(os.environ.get("CLIENTS", 32)))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("DURATION", 60)))
    parser.add_argument("--fault", choices=["postgres", "redis"], default=os.environ.get("FAULT") or None)
    options = parser.parse_args()

    environment = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),  # noqa: S108
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{ROOT / 'loadtest.sqlite3'}"),
        "CACHE_URL": os.environ.get("CACHE_URL", "locmemcache://"),
        "DJANGO_API_ANON_RATE": "1000000/minute",  # one client address here stands for many readers
        "DJANGO_STATIC_ROOT": str(ROOT / "staticfiles"),
    }
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server, base = serve(environment, port)
    try:

        def listed(path):
            xml = urllib.request.urlopen(request_for(base + path)).read().decode()  # noqa: S310 - local
            return [re.sub(r"^https?://[^/]+", "", url) for url in re.findall(r"<loc>(.*?)</loc>", xml)]

        paths = [page for section in listed("/sitemap.xml") for page in listed(section)]
        paths += ["/api/v1/measures/", "/api/v1/meetings/", "/measures/values.csv", "/plans/actions.csv"]
        counts = collections.Counter()
        errors = collections.Counter()
        lock = threading.Lock()
        stop = time.monotonic() + options.seconds

        def client(number):
            index = number
            while time.monotonic() < stop:
                path = paths[index % len(paths)]
                index += options.clients
                status, content_type = fetch(base, path)
                with lock:
                    counts[status] += 1
                    if status != 200:
                        kind = "JSON" if "json" in content_type else "HTML" if "html" in content_type else content_type
                        errors[f"{status} {kind} {path.split('?')[0][:40]}"] += 1

        services = (
            f"database {environment['DATABASE_URL'].split(':')[0]}, cache {environment['CACHE_URL'].split(':')[0]}"
        )
        half_way = f", {options.fault} fault half-way" if options.fault else ""
        print(f"{options.clients} clients for {options.seconds} s on {len(paths)} addresses{half_way}, {services}")
        threads = [threading.Thread(target=client, args=(n,)) for n in range(options.clients)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        if options.fault:
            time.sleep(options.seconds / 2)
            fault(options.fault)
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        total = sum(counts.values())
        print(f"{total} requests, {total / elapsed:.0f} a second")
        for status, count in sorted(counts.items(), key=lambda item: str(item[0])):
            print(f"  {status}: {count}")
        for error, count in errors.most_common(10):
            print(f"    {count} × {error}")
        after = fetch(base, "/readyz")
        print(f"after: /readyz {after[0]}; a page {fetch(base, '/plans/')[0]}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        if options.fault == "redis":
            subprocess.run(REDIS, shell=True, check=False)  # noqa: S602 - the machine's own Redis, as it was started


if __name__ == "__main__":
    main()
