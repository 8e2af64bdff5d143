#!/usr/bin/env python3
"""End-to-end tests of `nines serve` on a repository made by `nines init`.

Starts the real server on a free port of 127.0.0.1 and checks: the site is served with the
live-reload script (which the published build never contains); an edit to a document changes the
page and wakes a waiting long-poll; a broken document shows its diagnostic (file:line:col) over
the last good site, and fixing it takes the diagnostic away; an edit under runbooks/site/ (content,
unlike the top-level site/) rebuilds too; pages open in many tabs, each long-polling, never keep a
page waiting; a missing path gets the site's own 404 page with status 404; path traversal (`..`, `%2e%2e`,
`%2f`, absolute paths, a symbolic link out of the site) never reaches outside the site; a port in
use is exit 3; SIGINT stops the server cleanly (exit 0, temporary site removed).

Byte ranges: one range is 206 with exactly its bytes and `Content-Range: bytes A-B/TOTAL` (also a
suffix, an open range, an end past the file, the unit in capitals), never compressed; a range past
the end is 416 with `Content-Range: bytes */TOTAL`; several ranges, another unit, an invalid range
or an If-Range get the whole file with 200; HEAD ignores Range; a 404 page is never cut.

A first build that fails (a YAML syntax error) serves every path a 503 page that says the build
failed and lists the diagnostics (file:line:col, HTML-escaped) with the reload script, never the
"last good site" banner; fixing it serves the site, and a later failure shows the banner over the
last site that built. An edit inside a Helm chart's folder (Chart.yaml edited or saved by rename
and still a chart's included) starts no build; a Chart.yaml that stops being a chart's, or starts
again, does.

Usage: test_serve.py NINES SOURCE_DIR
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from support import free_port

NINES = os.path.abspath(sys.argv[1])
NOW = "2026-11-20T09:41:00Z"
ENV = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
passed = 0
failures = []
TMP = tempfile.mkdtemp(prefix="nines-serve-test-")
REPO = os.path.join(TMP, "repo")
# serve's temporary folders go into a folder of this test's own ($TMPDIR), so a serve of another
# test running at the same time (e2e.serve-stop) is not taken for this serve's folder.
SERVE_TMP = os.path.join(TMP, "tmp")
os.makedirs(SERVE_TMP)
ENV["TMPDIR"] = SERVE_TMP


def build_state():
    """The files builds left beside the repository's store for the next build."""
    store = os.path.join(REPO, ".nines")
    return {n for n in os.listdir(store) if n.startswith("nines-build-")} \
        if os.path.isdir(store) else set()
SECRET = os.path.join(TMP, "secret.txt")


def check(cond, what):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(what)
        print("FAIL:", what)


def raw_exchange(port, text, timeout=10):
    """(status, body bytes) of a request sent exactly as `text` says, to its end."""
    conn = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    conn.sendall(text.encode())
    data = b""
    while True:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    conn.close()
    head, _, body = data.partition(b"\r\n\r\n")
    return (int(head.split(b" ")[1]) if head else 0), body


def get(path, timeout=10):
    """(status, body) of a raw request path, sent exactly as written (no client normalisation)."""
    status, body = raw_exchange(
        PORT, f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", timeout)
    return status, body.decode("utf-8", "replace")


def request(port, method, path, headers=None, timeout=10):
    """(status, headers, body bytes) of one raw request. Header names are lower-case; a header
    sent twice has its values joined with ", ", so a duplicate shows."""
    conn = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    headers = {"Host": "127.0.0.1", **(headers or {})}
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    conn.sendall(f"{method} {path} HTTP/1.1\r\n{extra}"
                 "Connection: close\r\n\r\n".encode())
    data = b""
    while True:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    conn.close()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1]) if lines[0] else 0
    fields = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        fields.setdefault(name.strip().lower(), []).append(value.strip())
    return status, {k: ", ".join(v) for k, v in fields.items()}, body


def check_ranges(port):
    """Byte ranges on a stylesheet (the same bytes every time) and on a page."""
    url = "/static/style.css"
    status, h, css = request(port, "GET", url)
    n = len(css)
    check(status == 200 and n > 100 and h.get("accept-ranges") == "bytes"
          and "content-range" not in h, f"a whole file is 200 with Accept-Ranges ({status} {h})")
    for spec, first, last in [("bytes=0-9", 0, 9), ("bytes=-5", n - 5, n - 1),
                              ("bytes=5-", 5, n - 1), ("bytes=10-999999999", 10, n - 1),
                              ("bytes=-999999999", 0, n - 1), ("Bytes=0-0", 0, 0),
                              (f"bytes={n - 1}-", n - 1, n - 1), ("bytes=0-9,", 0, 9)]:
        status, h, body = request(port, "GET", url, {"Range": spec})
        check(status == 206 and h.get("content-range") == f"bytes {first}-{last}/{n}"
              and h.get("content-length") == str(last - first + 1)
              and body == css[first:last + 1],
              f"Range: {spec} is 206 with bytes {first}-{last}/{n}: {status} {h} {body[:40]!r}")
    for spec in [f"bytes={n}-", f"bytes={n + 100}-{n + 200}", "bytes=-0",
                 "bytes=99999999999999999999999-"]:
        status, h, body = request(port, "GET", url, {"Range": spec})
        check(status == 416 and h.get("content-range") == f"bytes */{n}" and body == b"",
              f"Range: {spec} is 416 with Content-Range bytes */{n}: {status} {h} {body[:40]!r}")
    for spec in ["bytes=0-1,4-5", "bytes=0-1, 999999-", "items=0-5", "bytes=5-3", "bytes=abc",
                 "bytes=-", "bytes="]:
        status, h, body = request(port, "GET", url, {"Range": spec})
        check(status == 200 and body == css and "content-range" not in h,
              f"Range: {spec} gets the whole file with 200: {status} {h}")
    status, h, body = request(port, "GET", url, {"Range": "bytes=0-9", "If-Range": '"v1"'})
    check(status == 200 and body == css, f"an If-Range (no validator matches) gets 200: {status}")
    # A part is sent as it is: compressed, its bytes would not be those Content-Range counts.
    status, h, body = request(port, "GET", url, {"Range": "bytes=0-9",
                                                 "Accept-Encoding": "gzip, deflate, br"})
    check(status == 206 and "content-encoding" not in h and body == css[:10]
          and h.get("content-range") == f"bytes 0-9/{n}",
          f"a part is never compressed: {status} {h} {body[:40]!r}")
    # HEAD: the headers of GET, no body; Range applies to GET only (RFC 9110 14.2).
    status, h, body = request(port, "HEAD", url)
    check(status == 200 and h.get("content-length") == str(n) and body == b""
          and h.get("accept-ranges") == "bytes", f"HEAD is 200 with the length: {status} {h}")
    status, h, body = request(port, "HEAD", url, {"Range": "bytes=0-9"})
    check(status == 200 and h.get("content-length") == str(n) and body == b""
          and "content-range" not in h, f"HEAD ignores Range: {status} {h}")
    # Only GET and HEAD: another method is 405 with Allow, OPTIONS names them.
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        status, h, _ = request(port, method, url, {"Content-Length": "0"})
        check(status == 405 and h.get("allow") == "GET, HEAD",
              f"{method} is 405 with Allow: {status} {h}")
    status, h, _ = request(port, "OPTIONS", url)
    check(status == 204 and "GET" in h.get("allow", ""), f"OPTIONS names the methods: {status} {h}")
    # Only this machine's names: a page elsewhere whose own name resolves to 127.0.0.1 (DNS
    # rebinding) sends that name as the Host and gets nothing.
    for host in ("evil.example", "evil.example:%d" % port, "127.0.0.1.evil.example",
                 "localhost.evil.example:80", "[::2]:%d" % port, "127.0.0.1:%d@evil.example" % port,
                 "localhost:abc", "localhost:99999", "localhost:%d, evil.example" % port,
                 "[::1]x"):
        status, h, body = request(port, "GET", "/index.html", {"Host": host})
        check(status == 403 and b"<html" not in body, f"Host: {host} is refused: {status}")
    for host in ("localhost:%d" % port, "LOCALHOST", "[::1]:%d" % port, "localhost."):
        status, h, body = request(port, "GET", "/index.html", {"Host": host})
        check(status == 200, f"Host: {host} is served: {status}")

    # RFC 9112 3.2: HTTP/1.1 needs exactly one Host; HTTP/1.0 may send none.
    def raw_status(text):
        return raw_exchange(port, text)[0]
    check(raw_status("GET /index.html HTTP/1.1\r\nConnection: close\r\n\r\n") == 400,
          "an HTTP/1.1 request without a Host is 400")
    check(raw_status("GET /index.html HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n"
                     "Connection: close\r\n\r\n") == 400, "two Host headers are 400")
    check(raw_status("GET /index.html HTTP/1.0\r\n\r\n") == 200,
          "an HTTP/1.0 request without a Host is served")
    # A name longer than a file name can be is no file: the site's 404 page, not a refusal.
    status, h, body = request(port, "GET", "/" + "a" * 300 + "/index.html")
    check(status == 404 and b"<html" in body.lower(), f"a 300-byte segment is 404: {status}")
    # A page: ranges count its bytes as served (with the reload script).
    status, h, page = request(port, "GET", "/index.html")
    status, h, part = request(port, "GET", "/index.html", {"Range": "bytes=-20"})
    m = len(page)
    check(status == 206 and part == page[-20:] and h.get("content-range") ==
          f"bytes {m - 20}-{m - 1}/{m}", f"a page's last 20 bytes: {status} {h} {part!r}")
    # Only a 200 has parts: a 404 page is never cut.
    status, h, body = request(port, "GET", "/no/such/page.html", {"Range": "bytes=0-9"})
    check(status == 404 and len(body) > 10 and "content-range" not in h,
          f"a 404 page is sent whole whatever the Range: {status} {h} {len(body)}")


def wait_for(pred, what, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if pred():
                return True
        except OSError:
            pass
        time.sleep(0.2)
    check(False, f"timed out waiting for {what}")
    return False


def write(rel, text):
    with open(os.path.join(REPO, rel), "w", encoding="utf-8") as f:
        f.write(text)


with open(SECRET, "w") as f:
    f.write("top secret outside the site\n")
subprocess.run([NINES, "init", REPO, "--now", NOW], check=True, capture_output=True, env=ENV)
# Published under a base_url, as most sites are: the preview's 404 page still leads into it.
BASE_URL = "https://example.github.io/reliability/"
with open(os.path.join(REPO, "nines.yaml"), encoding="utf-8") as f:
    config = f.read()
with open(os.path.join(REPO, "nines.yaml"), "w", encoding="utf-8") as f:
    f.write(config.replace('base_url: ""', f'base_url: "{BASE_URL}"', 1))
# A service named `site` and its runbook in runbooks/site/, which the loader reads.
for args in (["new", "service", "site"], ["new", "runbook", "site-down", "--service", "site"]):
    subprocess.run([NINES, *args, "-C", REPO, "--now", NOW], check=True, capture_output=True,
                   env=ENV)

def serve_temps():
    return {d for d in os.listdir(SERVE_TMP) if d.startswith("nines-serve-")}


temps_before = serve_temps()
PORT = free_port()
published_state = set()  # what the `nines build` below leaves beside the store
server = subprocess.Popen([NINES, "serve", REPO, "--port", str(PORT), "--now", NOW],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
try:
    wait_for(lambda: get("/")[0] == 200, "the server to answer")
    status, index = get("/")
    check(status == 200 and "<html" in index.lower(), "serve answers / with the site")
    check("/__nines/poll" in index, "served pages carry the reload script")
    check("nines-serve-diagnostics" not in index, "a good build shows no diagnostics")

    # The published build never carries the reload script.
    out = os.path.join(TMP, "published")
    state_before = build_state()
    subprocess.run([NINES, "build", REPO, "-o", out, "--offline", "--now", NOW], check=True,
                   capture_output=True, env=ENV)
    published_state = build_state() - state_before  # this build's own, not serve's
    leaked = [n for d, _, fs in os.walk(out) for n in fs
              if n.endswith(".html") and "__nines" in open(os.path.join(d, n)).read()]
    check(not leaked, f"nines build writes no reload script: {leaked}")

    # A missing path: the site's own 404 page, with its links from the site's top.
    status, body = get("/no/such/page.html")
    check(status == 404 and "Page not found" in body and '<base href="/">' in body
          and "/__nines/poll" in body,
          f"a missing path gets the site's 404 page with status 404 ({status}): {body[:300]}")
    # Its links and assets lead into the preview, not to the published site's address.
    check(BASE_URL not in body and 'href="/index.html"' in body,
          f"the 404 page's links start at the server's top, not at base_url: {body[:600]}")

    check_ranges(PORT)

    # An edit under runbooks/site/ (not the top-level output folder) rebuilds.
    runbook = os.path.join(REPO, "runbooks/site/site-down.yaml")
    with open(runbook, encoding="utf-8") as f:
        text = f.read()
    with open(runbook, "w", encoding="utf-8") as f:
        f.write(text.replace("title: ", "title: Kingfisher ", 1))
    wait_for(lambda: "Kingfisher" in get("/runbooks/site-down/index.html")[1],
             "the edit under runbooks/site/ to be rebuilt", timeout=20)

    # Many open pages, each long-polling: a page is still served at once, and past the bound a
    # poll is answered at once and told when to come back instead of taking a worker.
    import threading

    def generation():
        return json.loads(get("/__nines/poll?gen=0")[1])["generation"]

    # The build's pages are served a moment before its generation is announced.
    first = int(re.search(r"var g=(\d+)", index).group(1))
    wait_for(lambda: generation() > first, "the edit's build to be announced", timeout=10)
    gen0 = generation()
    polls = []

    def open_poll():
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/__nines/poll?gen={gen0}",
                                        timeout=40) as r:
                polls.append((time.time(), json.load(r)))
        except OSError as e:
            polls.append((time.time(), {"error": str(e)}))

    def timed_get(path):
        t0 = time.time()
        try:
            status = get(path, timeout=5)[0]
        except OSError:
            status = 0
        return status, time.time() - t0

    started = time.time()
    for _ in range(12):
        threading.Thread(target=open_poll, daemon=True).start()
    time.sleep(1.0)
    status, took = timed_get("/index.html")
    check(status == 200 and took < 0.8,
          f"with 12 pages long-polling a page is served at once ({status}, {took:.2f}s)")
    check(not polls, f"the 12 polls wait for the next build: {polls}")
    for _ in range(30):  # 42 in all: more than the bound
        threading.Thread(target=open_poll, daemon=True).start()
    wait_for(lambda: len(polls) >= 10, "the polls past the bound to be answered", timeout=10)
    quick = [j for t, j in polls if t - started < 8]
    check(len(quick) == 10 and all(j.get("retry", 0) > 0 and j.get("generation") == gen0
                                   for j in quick),
          f"the polls past the bound of 32 are told to come back: {quick}")
    status, took = timed_get("/index.html")
    check(status == 200 and took < 0.8,
          f"with 32 pages long-polling a page is served at once ({status}, {took:.2f}s)")

    # Another edit there: the new build wakes every waiting poll (its pages are served a
    # moment before the polls learn of it).
    with open(runbook, "w", encoding="utf-8") as f:
        f.write(text)
    wait_for(lambda: "Kingfisher" not in get("/runbooks/site-down/index.html")[1],
             "the second edit under runbooks/site/ to be rebuilt", timeout=20)
    wait_for(lambda: len(polls) == 42, "the waiting polls to be answered by the new build",
             timeout=10)
    check(all(j.get("generation", 0) > gen0 for _, j in polls if "retry" not in j),
          f"the waiting polls are answered with the new generation: {polls}")

    # Find the service page and its generation; edit the service and see the page change.
    page = "/services/example-api/"
    status, body = get(page)
    if status != 200:
        links = re.findall(r'href="([^"]*example-api[^"]*)"', index)
        page = "/" + links[0].lstrip("./") if links else page
        status, body = get(page)
    check(status == 200, f"the service page {page} is served ({status})")
    gen = int(re.search(r"var g=(\d+)", body).group(1))
    with open(os.path.join(REPO, "services/example-api.yaml"), encoding="utf-8") as f:
        service = f.read()
    marker = "Edited while serving, zebra-quartz"
    poll_result = {}

    def long_poll():
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/__nines/poll?gen={gen}",
                                    timeout=30) as r:
            poll_result.update(json.load(r))

    poller = threading.Thread(target=long_poll)
    poller.start()
    time.sleep(0.3)
    write("services/example-api.yaml",
          service.replace("The public API of the example product.", marker))
    wait_for(lambda: marker in get(page)[1], "the edited description to appear")
    poller.join(35)
    check(poll_result.get("generation", gen) > gen and poll_result.get("ok") is True,
          f"a waiting long-poll wakes with the new generation: {poll_result}")

    # Break a document: its diagnostic lies over the last good site.
    write("services/example-api.yaml", service.replace("tier: important", "tier: importnt"))
    wait_for(lambda: "nines-serve-diagnostics" in get(page)[1], "the diagnostic overlay")
    status, body = get(page)
    check(status == 200 and marker in body, "the last good site is still served")
    check(re.search(r"services/example-api\.yaml:\d+:\d+: error: .*importnt", body) is not None,
          f"the page shows the diagnostic with file:line:col: {body[-1500:]}")
    check(server.poll() is None, "a broken edit does not stop the server")
    # Fix it: the diagnostic goes away.
    write("services/example-api.yaml", service)
    wait_for(lambda: "nines-serve-diagnostics" not in get(page)[1], "the overlay to go")
    check(marker not in get(page)[1], "the fixed build is served")

    # Path traversal, in every spelling: never the secret, never outside the site.
    for path in ["/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/%2e%2e/secret.txt",
                 "/services/%2e%2e/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt",
                 "/%2e%2e%2fsecret.txt", "//" + SECRET.lstrip("/"), "/" + SECRET,
                 "/%2f" + SECRET.lstrip("/").replace("/", "%2f"), "/..\\secret.txt",
                 "/%5c..%5csecret.txt", "/./../secret.txt", "/%00/../secret.txt"]:
        status, body = get(path)
        check("top secret" not in body and status in (400, 403, 404),
              f"traversal {path} is refused ({status})")
    # A link inside the site pointing out of it is refused too.
    own_temps = [os.path.join(SERVE_TMP, d) for d in serve_temps() - temps_before]
    check(len(own_temps) == 1, f"serve builds into one temporary folder: {own_temps}")
    for d in own_temps:
        os.symlink(SECRET, os.path.join(d, "site", "out.txt"))
    status, body = get("/out.txt")
    check("top secret" not in body, f"a symbolic link out of the site is refused ({status})")
    check(get("/assets/../index.html")[0] in (403, 400), "'..' inside the site is refused too")

    # Port in use: exit 3 with a clear message.
    p = subprocess.run([NINES, "serve", REPO, "--port", str(PORT), "--now", NOW],
                       capture_output=True, text=True, timeout=60, env=ENV)
    check(p.returncode == 3 and f"127.0.0.1:{PORT}" in p.stderr and "in use" in p.stderr,
          f"port in use is exit 3: {p.returncode} {p.stderr}")

    # Bound to loopback only.
    other = [a for a in socket.gethostbyname_ex(socket.gethostname())[2] if not a.startswith("127.")]
    if other:
        try:
            socket.create_connection((other[0], PORT), timeout=2).close()
            check(False, f"serve must not listen on {other[0]}")
        except OSError:
            check(True, "not reachable off loopback")
finally:
    # Ctrl-C: clean stop.
    temp_sites = [os.path.join(SERVE_TMP, d) for d in serve_temps() - temps_before]
    server.send_signal(signal.SIGINT)
    try:
        out, err = server.communicate(timeout=30)
        check(server.returncode == 0, f"SIGINT stops serve with exit 0 ({server.returncode}): {err[-500:]}")
        check("stopped" in out, "serve says it stopped")
    except subprocess.TimeoutExpired:
        server.kill()
        check(False, "serve stops within 30 s of SIGINT")
    check(not any(os.path.exists(d) for d in temp_sites), "serve removes its temporary site")
    # The record, saved links and saved views its builds left beside the store go with it.
    left = build_state() - published_state
    check(not left, f"serve removes what its builds left beside the store: {sorted(left)}")
    shutil.rmtree(TMP, ignore_errors=True)


# A first build that fails, then a Helm chart's folder, on a second server with a repository of
# its own: a chart's files would break the build if they were read, and one is a service.
TMP2 = tempfile.mkdtemp(prefix="nines-serve-test2-")
REPO2 = os.path.join(TMP2, "repo")
ENV2 = dict(ENV, TMPDIR=TMP2)
subprocess.run([NINES, "init", REPO2, "--now", NOW], check=True, capture_output=True, env=ENV2)
with open(os.path.join(REPO2, "services/example-api.yaml"), encoding="utf-8") as f:
    SERVICE2 = f.read()
CHART = os.path.join(REPO2, "charts", "web")
CHART_YAML = "apiVersion: v2\nname: web\nversion: 0.1.0\n"
os.makedirs(os.path.join(CHART, "templates"))
for rel, text in [("Chart.yaml", CHART_YAML), ("values.yaml", "replicaCount: 1\n"),
                  ("templates/deploy.yaml", "kind: Deployment\nreplicas: 1\n"),
                  ("svc.yaml", SERVICE2.replace("name: example-api", "name: helm-hidden"))]:
    with open(os.path.join(CHART, rel), "w", encoding="utf-8") as f:
        f.write(text)
# A syntax error; the file's name holds markup, which the page must show as text.
BROKEN = os.path.join(REPO2, "services", "a<i>b.yaml")
with open(BROKEN, "w", encoding="utf-8") as f:
    f.write("service:\n  name: [broken\n")


def write2(path, text):
    """Writes `text` to `path` through a temporary file and a rename, as many editors save."""
    with open(path + ".tmp~", "w", encoding="utf-8") as f:
        f.write(text)
    os.rename(path + ".tmp~", path)


PORT2 = free_port()
server2 = subprocess.Popen([NINES, "serve", REPO2, "--port", str(PORT2), "--now", NOW],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV2)


def gen2():
    return json.loads(request(PORT2, "GET", "/__nines/poll?gen=0")[2])["generation"]


def page2(path):
    status, _, body = request(PORT2, "GET", path)
    return status, body.decode("utf-8", "replace")


try:
    wait_for(lambda: page2("/")[0] == 503, "the server with a broken first build to answer")
    for path in ["/", "/services/example-api/", "/static/style.css"]:
        status, h, raw = request(PORT2, "GET", path)
        body = raw.decode("utf-8", "replace")
        check(status == 503 and h.get("content-type", "").startswith("text/html")
              and "the build failed" in body and "no site to show" in body,
              f"with no build passed, {path} is a 503 page saying so: {status} {body[:300]}")
    check("last good site" not in body and "last build that passed" not in body
          and "nines-serve-diagnostics" not in body,
          f"the 503 page speaks of no site that does not exist: {body[:600]}")
    check(re.search(r"services/a&lt;i&gt;b\.yaml:2:\d+: error: invalid YAML", body) is not None
          and "<i>" not in body,
          f"the 503 page lists the diagnostic with file:line:col, escaped: {body[:1500]}")
    check("/__nines/poll" in body and "reloads" in body and "as soon as a build passes" in body,
          f"the 503 page reloads, and says the site comes when the errors are fixed: {body}")
    status, h, raw = request(PORT2, "HEAD", "/")
    check(status == 503 and raw == b"" and h.get("content-length") == str(len(body.encode())),
          f"HEAD of the 503 page: {status} {h}")
    # Fixing it serves the site.
    os.remove(BROKEN)
    wait_for(lambda: page2("/")[0] == 200, "the fixed first build to be served", timeout=20)
    status, body = page2("/")
    check(status == 200 and "nines-serve-diagnostics" not in body and "the build failed" not in body,
          "once a build passes the site is served without diagnostics")
    check(page2("/services/helm-hidden/")[0] == 404, "a chart's service is not in the site")

    # Changes inside the chart's folder start no build. The control edit after them does.
    wait_for(lambda: gen2() >= 2, "the fixed build to be announced", timeout=10)
    gen = gen2()
    time.sleep(0.5)
    check(gen2() == gen, f"no build runs while nothing changes ({gen} then {gen2()})")
    write2(os.path.join(CHART, "values.yaml"), "replicaCount: 3\n")
    with open(os.path.join(CHART, "templates/deploy.yaml"), "a", encoding="utf-8") as f:
        f.write("# edited\n")
    os.makedirs(os.path.join(CHART, "templates/more"))
    with open(os.path.join(CHART, "templates/more/cm.yaml"), "w", encoding="utf-8") as f:
        f.write("kind: ConfigMap\n")
    with open(os.path.join(CHART, "svc.yaml"), "a", encoding="utf-8") as f:
        f.write("# edited\n")
    write2(os.path.join(CHART, "Chart.yaml"), CHART_YAML.replace("0.1.0", "0.2.0"))
    with open(os.path.join(CHART, "Chart.yaml"), "w", encoding="utf-8") as f:
        f.write(CHART_YAML.replace("0.1.0", "0.3.0"))
    time.sleep(2.0)
    check(gen2() == gen, f"changes inside a Helm chart's folder start no build ({gen} then {gen2()})")
    write2(os.path.join(REPO2, "services/example-api.yaml"),
           SERVICE2.replace("The public API", "Pelican API"))
    wait_for(lambda: gen2() > gen, "an edit outside the chart to be built", timeout=20)
    check("Pelican" in page2("/services/example-api/")[1], "the edit outside the chart is served")
    check(gen2() == gen + 1, f"only the edit outside the chart was built ({gen} then {gen2()})")

    # A Chart.yaml that stops being a chart's brings the folder's files into the site, and back.
    write2(os.path.join(CHART, "Chart.yaml"), "apiVersion: v2\nname: web\n")
    wait_for(lambda: page2("/services/helm-hidden/")[0] == 200,
             "the folder's service to be built once its Chart.yaml is no chart's", timeout=20)
    write2(os.path.join(CHART, "Chart.yaml"), CHART_YAML)
    wait_for(lambda: page2("/services/helm-hidden/")[0] == 404,
             "the folder's service to leave once it is a chart's again", timeout=20)
    status, body = page2("/")
    check(status == 200 and "nines-serve-diagnostics" not in body, "the chart's site builds")

    # A later failure: the last site that built, with the banner.
    write2(os.path.join(REPO2, "services/example-api.yaml"),
           SERVICE2.replace("tier: important", "tier: importnt"))
    wait_for(lambda: "nines-serve-diagnostics" in page2("/")[1], "the banner of a later failure",
             timeout=20)
    status, body = page2("/services/example-api/")
    check(status == 200 and "the latest build failed; this is the site of the last build that "
          "passed" in body and "importnt" in body,
          f"a later failure shows the last site that built with the banner: {body[-1200:]}")

    # The repository's folder moved away, removed, and made again (a fresh clone): watched anew
    # and built.
    KEPT = os.path.join(TMP2, "kept")
    shutil.copytree(REPO2, KEPT, ignore=shutil.ignore_patterns(".nines"))
    os.rename(REPO2, os.path.join(TMP2, "gone"))
    time.sleep(1.0)
    shutil.rmtree(os.path.join(TMP2, "gone"), ignore_errors=True)
    write2(os.path.join(KEPT, "services/example-api.yaml"),
           SERVICE2.replace("The public API", "Heron API"))
    shutil.copytree(KEPT, REPO2)
    wait_for(lambda: "Heron" in page2("/services/example-api/")[1],
             "the repository made again to be watched and built", timeout=30)
    time.sleep(1.0)
    write2(os.path.join(REPO2, "services/example-api.yaml"),
           SERVICE2.replace("The public API", "Osprey API"))
    wait_for(lambda: "Osprey" in page2("/services/example-api/")[1],
             "an edit in the repository made again to be built", timeout=30)
finally:
    server2.send_signal(signal.SIGINT)
    try:
        out, err = server2.communicate(timeout=30)
        check(server2.returncode == 0, f"the second serve stops with exit 0: {err[-500:]}")
        check("no build has passed yet" in err and "status 503" in err,
              f"the first failure says on stderr that there is no site yet: {err[:500]}")
        check("serving the last site that built" in err,
              f"a later failure says the last site that built is served: {err[-800:]}")
    except subprocess.TimeoutExpired:
        server2.kill()
        check(False, "the second serve stops within 30 s of SIGINT")
    shutil.rmtree(TMP2, ignore_errors=True)

print(f"{passed} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
