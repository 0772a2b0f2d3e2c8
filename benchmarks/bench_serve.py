"""Load and fault test of ``kgtool serve``: many clients while runaway queries hold workers.

    .venv/bin/python benchmarks/bench_serve.py [--clients 50] [--seconds 30] [--runaway 2]

Starts ``kgtool serve`` on a free port of 127.0.0.1 (only there; nothing else is contacted),
waits until it answers, then keeps ``--runaway`` runaway queries running (each is sent again
as soon as the server stops it at its timeout) and, meanwhile, ``--clients`` concurrent
clients (threads, http.client, one keep-alive connection each, no think time) send requests
one after another for ``--seconds``, in a fixed mix:

* **page**: resource pages in HTML (Swedish and English), the same resources as Turtle and
  JSON-LD by content negotiation, the ontology page, a static file;
* **api**: saved queries at ``/api/<name>`` with their default parameters;
* **sparql**: short queries at ``/sparql`` (ASK, a small SELECT, a CONSTRUCT).

Bounded in time (``--seconds``, at most 300) and in count (``--max-requests``). Prints, per
kind, requests, requests/s, p50/p99/max latency and errors (any answer other than 200, or no
answer), what the runaway queries got, and whether the target holds (with the runaway queries
running: p99 under 1 s and no errors); writes ``benchmarks/results/serve.md`` with the machine
and the date. ``--also-uncached`` measures a second server without the answers cache
(``--cache-mb 0``: every query runs in a worker). Exit code 0 when the target holds (first
server), 1 when not.

``--hostile`` adds, all the while, the requests that once stopped the server: a query nested
5,000 brackets deep (POST), cross joins of three ``VALUES`` blocks (ASK), connections opened and
left idle, and requests whose headers never end. Then the server must also live to the end
(no process death: the server answers, its workers are all there) and pages must keep p99
under 200 ms.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import itertools
import os
import platform
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
KGTOOL = str(Path(sys.executable).parent / "kgtool")
RESULTS = ROOT / "benchmarks" / "results" / "serve.md"
HOST = "127.0.0.1"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
KS = "https://w3id.org/kommunsamverkan/"
HTML, TURTLE, JSONLD = "text/html", "text/turtle", "application/ld+json"
PAGES = [
    ("/id/municipality/1980/", HTML),
    ("/en/id/municipality/1980/", HTML),
    ("/id/collaboration/fyra-malarstader/", HTML),
    ("/id/municipality/0180", TURTLE),
    ("/id/collaboration/fyra-malarstader", JSONLD),
    ("/def/", HTML),
    ("/static/site.css", "*/*"),
]
API = [
    "members-of-collaboration",
    "collaborations-of-municipality",
    "collaboration-overview",
    "members-per-county",
    "is-member",
]
SPARQL = [
    "ASK { ?s ?p ?o }",
    f"SELECT ?m WHERE {{ ?m a <{KS}def/Municipality> }} LIMIT 20",
    f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ BIND(<{KS}id/municipality/1980> AS ?s) ?s ?p ?o }}",
]
KINDS = ("page", "api", "sparql")
TARGET_P99 = 1.0
TARGET_PAGE_P99 = 0.2  # with --hostile
NESTED = "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000
_NUMBERS = " ".join(str(n) for n in range(1000))
BOMB = (
    f"ASK {{ VALUES ?a {{ {_NUMBERS} }} VALUES ?b {{ {_NUMBERS} }} VALUES ?c {{ {_NUMBERS} }} "
    "FILTER(?a + ?b + ?c < 0) }"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(project: Path, port: int, options: list[str], log: Path) -> subprocess.Popen:
    command = [KGTOOL, "--project", str(project), "serve", "--host", HOST, "--port", str(port)]
    handle = log.open("w")  # the server's own log, for a look when something fails
    return subprocess.Popen([*command, *options], stdout=handle, stderr=subprocess.STDOUT)


def wait_ready(process: subprocess.Popen, url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"bench_serve: kgtool serve exited with {process.returncode}")
        try:
            if httpx.get(url + "/", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    sys.exit(f"bench_serve: kgtool serve did not answer within {seconds:g} s")


def requests_mix():
    """The requests the clients send, in turn: (kind, method, path, params, headers)."""
    pages = [("page", path, None, {"Accept": accept}) for path, accept in PAGES]
    apis = [("api", f"/api/{name}", None, {"Accept": "application/json"}) for name in API]
    queries = [
        ("sparql", "/sparql", {"query": text}, {"Accept": "application/sparql-results+json"})
        if not text.startswith("CONSTRUCT")
        else ("sparql", "/sparql", {"query": text}, {"Accept": TURTLE})
        for text in SPARQL
    ]
    # Pages are the most common requests on a linked-data site; queries come next.
    return [*pages, *apis, *queries, *pages[:3]]


class Runaways:
    """Threads that keep ``count`` runaway queries running until ``stop`` is set."""

    def __init__(self, url: str, count: int) -> None:
        self.url = url
        self.stop = threading.Event()
        self.answers: list[tuple[int, str, float]] = []
        self.spans: list[tuple[float, float]] = []  # when each runaway query was in flight
        self.threads = [threading.Thread(target=self._loop, daemon=True) for _ in range(count)]

    def _loop(self) -> None:
        with httpx.Client(base_url=self.url, timeout=120) as client:
            while not self.stop.is_set():
                started = time.monotonic()
                try:
                    response = client.get("/sparql", params={"query": RUNAWAY})
                    answer = (response.status_code, response.text.strip()[:80])
                except httpx.HTTPError as error:
                    answer = (0, type(error).__name__)
                ended = time.monotonic()
                self.spans.append((started, ended))
                self.answers.append((*answer, ended - started))

    def in_flight(self, moment: float) -> int:
        """How many runaway queries were in flight at ``moment``."""
        return sum(1 for start, end in self.spans if start <= moment < end)

    def start(self) -> None:
        for thread in self.threads:
            thread.start()


class Hostile:
    """Threads sending the hostile requests until ``stop`` is set; what each got, counted."""

    HELD = 200  # idle or half-sent connections open at once, at most

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.stop = threading.Event()
        self.answers: dict[str, int] = {}
        self.closed_by_server = 0
        self.opened = 0
        self.lock = threading.Lock()
        self.threads = [
            threading.Thread(target=target, daemon=True)
            for target in (self._nested, self._bomb, self._bomb, self._sockets)
        ]

    def _count(self, key: str) -> None:
        with self.lock:
            self.answers[key] = self.answers.get(key, 0) + 1

    def _send(self, kind: str, method: str, **kwargs) -> None:
        with httpx.Client(base_url=f"http://{self.host}:{self.port}", timeout=60) as client:
            while not self.stop.is_set():
                try:
                    response = client.request(method, "/sparql", **kwargs)
                    self._count(f"{kind}: {response.status_code} {response.text.strip()[:60]}")
                except httpx.HTTPError as error:
                    self._count(f"{kind}: no answer ({type(error).__name__})")
                self.stop.wait(0.2)

    def _nested(self) -> None:
        headers = {"Content-Type": "application/sparql-query"}
        self._send("nested 5,000 deep", "POST", content=NESTED, headers=headers)

    def _bomb(self) -> None:
        self._send("VALUES cross join", "GET", params={"query": BOMB})

    def _sockets(self) -> None:
        held: list[socket.socket] = []
        while not self.stop.is_set():
            for connection in list(held):  # closed by the server?
                connection.setblocking(False)
                try:
                    if connection.recv(1024) == b"":
                        raise ConnectionResetError
                except BlockingIOError:
                    continue
                except OSError:
                    self.closed_by_server += 1
                    held.remove(connection)
                    connection.close()
            if len(held) < self.HELD:
                try:
                    connection = socket.create_connection((self.host, self.port), timeout=5)
                    if self.opened % 2:
                        connection.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # never ends
                    held.append(connection)
                    self.opened += 1
                except OSError:
                    self._count("connection: refused")
            self.stop.wait(0.05)
        for connection in held:
            connection.close()

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def report(self) -> str:
        lines = [f"- {n} × {key}" for key, n in sorted(self.answers.items())]
        lines.append(
            f"- {self.opened} idle or half-sent connections opened (at most {self.HELD} at "
            f"once), {self.closed_by_server} of them closed by the server"
        )
        return "\n".join(lines)


def workers_of(pid: int) -> int:
    """How many query worker processes ``pid`` has."""
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            parent = next(x for x in status.splitlines() if x.startswith("PPid:"))
            count += b"spawn_main" in command and int(parent.split()[1]) == pid
    return count


def client_loop(host: str, port: int, mix, offset: int, until: float, budget, samples) -> None:
    """One client: one keep-alive connection, requests one after another until time is up."""
    connection = http.client.HTTPConnection(host, port, timeout=30)
    for kind, path, params, headers in itertools.islice(itertools.cycle(mix), offset, None):
        if time.monotonic() >= until or not budget():
            break
        target = path + ("?" + urllib.parse.urlencode(params) if params else "")
        started = time.monotonic()
        try:
            connection.request("GET", target, headers=headers)
            response = connection.getresponse()
            response.read()
            status: object = response.status
        except (OSError, http.client.HTTPException) as error:
            status = type(error).__name__
            connection.close()  # reconnects on the next request
        samples.append((kind, status, time.monotonic() - started, started))
    connection.close()


def run_clients(url: str, clients: int, seconds: float, max_requests: int):
    """``clients`` threads, each a client with its own connection (http.client: the
    lightest real HTTP client, so that the clients measure the server, not themselves)."""
    parts = urllib.parse.urlsplit(url)
    mix = requests_mix()
    samples: list[tuple[str, object, float, float]] = []
    started = time.monotonic()
    until = started + seconds
    threads = [
        threading.Thread(
            target=client_loop,
            args=(parts.hostname, parts.port, mix, i, until, lambda: len(samples) < max_requests),
            kwargs={"samples": samples},
            daemon=True,
        )
        for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    return samples, time.monotonic() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def table(samples, elapsed: float, page_p99: float | None = None) -> tuple[str, bool]:
    lines = [
        "| kind | requests | requests/s | p50 ms | p99 ms | max ms | errors |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    ok = True
    for kind in (*KINDS, "all"):
        rows = [s for s in samples if kind in ("all", s[0])]
        if not rows:
            continue
        took = [s[2] for s in rows]
        errors: dict[str, int] = {}
        for s in rows:
            if s[1] != 200:
                errors[str(s[1])] = errors.get(str(s[1]), 0) + 1
        p99 = percentile(took, 0.99)
        ok = ok and not errors and p99 < TARGET_P99
        if kind == "page" and page_p99 is not None:
            ok = ok and p99 < page_p99
        errs = ", ".join(f"{n} × {e}" for e, n in sorted(errors.items())) or "0"
        lines.append(
            f"| {kind} | {len(rows)} | {len(rows) / elapsed:.0f} | "
            f"{statistics.median(took) * 1000:.0f} | {p99 * 1000:.0f} | "
            f"{max(took) * 1000:.0f} | {errs} |"
        )
    return "\n".join(lines), ok


def machine() -> str:
    model = ""
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return (
        f"{platform.platform()}, {model or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--runaway", type=int, default=2, help="runaway queries kept running")
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--project", type=Path, default=ROOT)
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument(
        "--also-uncached", action="store_true", help="then the same with --cache-mb 0"
    )
    parser.add_argument(
        "--hostile", action="store_true", help="add the hostile requests (see above)"
    )
    parser.add_argument("serve_options", nargs="*", help="more kgtool serve options (after --)")
    args = parser.parse_args()
    if not (1 <= args.clients <= 500 and 1 <= args.seconds <= 300 and 0 <= args.runaway <= 8):
        sys.exit("bench_serve: --clients 1..500, --seconds 1..300, --runaway 0..8")

    runs = [("default options", list(args.serve_options))]
    if args.also_uncached:
        runs.append(("no answers cache", [*args.serve_options, "--cache-mb", "0"]))
    sections, verdicts = [], []
    for title, options in runs:
        section, ok = measure(args, options, title)
        sections.append(section)
        verdicts.append(ok)
    command = " ".join(sys.argv[1:])
    report = (
        f"# kgtool serve under load\n\n"
        f"{datetime.date.today().isoformat()}, {machine()}; a shared machine (other work ran "
        f"on it meanwhile).\n\n"
        f"`python benchmarks/bench_serve.py {command}`: {args.clients} concurrent clients "
        f"(threads, one keep-alive connection each, no think time) for {args.seconds:g} s, "
        f"while {args.runaway} runaway queries ran (`{RUNAWAY}`, each sent again when the "
        f"server stopped it). Latency is from sending a request to its last byte.\n\n"
        + "\n".join(sections)
    )
    print(report)
    if not args.no_write:
        from kgtool.atomic import write_atomic

        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(RESULTS, report)
        print(f"written to {RESULTS}")
    sys.exit(0 if verdicts[0] else 1)


def measure(args, options: list[str], title: str) -> tuple[str, bool]:
    """One server with ``options``, loaded as ``args`` say: a report section, target met."""
    port = free_port()
    url = f"http://{HOST}:{port}"
    log = ROOT / "benchmarks" / "out" / "serve.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    server = start_server(args.project, port, options, log)
    try:
        wait_ready(server, url)
        for _kind, path, params, headers in requests_mix():  # every request works when idle
            response = httpx.get(url + path, params=params, headers=headers, timeout=60)
            if response.status_code != 200:
                sys.exit(f"bench_serve: {path} answered {response.status_code} when idle")
        expected_workers = workers_of(server.pid)
        runaways = Runaways(url, args.runaway)
        runaways.start()
        hostile = Hostile(HOST, port) if args.hostile else None
        if hostile:
            hostile.start()
        time.sleep(2.0)  # past the server's short-query budget: the runaways hold long slots
        samples, elapsed = run_clients(url, args.clients, args.seconds, args.max_requests)
        runaways.stop.set()
        if hostile:
            hostile.stop.set()
        for thread in [*runaways.threads, *(hostile.threads if hostile else [])]:
            thread.join(120)
        held = [s for s in samples if runaways.in_flight(s[3]) >= args.runaway]
        alive = server.poll() is None
        if alive:  # replacements of stopped workers may still be starting: give them time
            deadline = time.monotonic() + 30
            while workers_of(server.pid) < expected_workers and time.monotonic() < deadline:
                time.sleep(0.5)
        workers_after = workers_of(server.pid)
        answers_after = alive and httpx.get(url + "/", timeout=30).status_code == 200
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()

    text, ok = table(samples, elapsed, TARGET_PAGE_P99 if args.hostile else None)
    lived = alive and answers_after and workers_after >= expected_workers
    ok = ok and lived
    stopped: dict[str, int] = {}
    for status, message, _ in runaways.answers:
        key = f"{status} {message}"
        stopped[key] = stopped.get(key, 0) + 1
    runaway_lines = "\n".join(f"- {n} × {key}" for key, n in sorted(stopped.items()))
    share = len(held) / len(samples) if samples else 0.0
    verdict = "holds" if ok else "MISSED"
    shown = " ".join(options) or "none"
    hostile_lines = ""
    target = f"p99 under {TARGET_P99:g} s and no errors, for every kind"
    if hostile:
        hostile_lines = f"Hostile requests meanwhile, answered:\n{hostile.report()}\n\n"
        target += f"; pages p99 under {TARGET_PAGE_P99 * 1000:.0f} ms; the server lives"
    life = (
        f"Afterwards the server {'answered' if answers_after else 'did NOT answer'}, with "
        f"{workers_after} of its {expected_workers} query workers"
        f"{'' if alive else ' (the server process had ENDED)'}.\n\n"
    )
    section = (
        f"## {title} (server options: {shown}; {elapsed:.1f} s)\n\n"
        f"{text}\n\n"
        f"Requests sent while all {args.runaway} runaway queries were in flight: "
        f"{share:.0%}. Runaway queries answered:\n{runaway_lines or '- none'}\n\n"
        f"{hostile_lines}{life}"
        f"Target ({target}): **{verdict}**.\n"
    )
    return section, ok


if __name__ == "__main__":
    main()
