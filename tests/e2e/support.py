"""Shared helpers of the end-to-end tests: a check counter, running the real binary, writing
files, dated git commits, and starting a real Prometheus on 127.0.0.1 with bounded waits.

Every test script imports this module from its own folder (`from support import ...`).
"""
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request

# The source tree these tests belong to (tests/e2e/ is two levels below it).
SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Checks:
    """Counts passed and failed checks; a failure prints at once, the test goes on."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def __call__(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL:", what, flush=True)
        return bool(cond)

    def finish(self):
        """Prints the tally; the script's exit code."""
        print(f"{self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0


def run(binary, *args, cwd=None, epoch=None, env=None, timeout=180):
    """Runs `binary args` and returns (exit code, stdout, stderr). SOURCE_DATE_EPOCH is removed
    unless `epoch` gives it, so a test's clock is only what it passes (--now or epoch)."""
    e = dict(os.environ)
    e.pop("SOURCE_DATE_EPOCH", None)
    if epoch is not None:
        e["SOURCE_DATE_EPOCH"] = str(epoch)
    if env:
        e.update(env)
    p = subprocess.run([binary, *args], capture_output=True, text=True, errors="replace", env=e,
                       cwd=cwd, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def write(path, text):
    """Writes `text` to `path`, creating its folders."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def tree(root):
    """Every file under root: '/'-separated relative path -> bytes (for comparing whole sites)."""
    files = {}
    for dirpath, _, names in os.walk(root):
        for n in names:
            full = os.path.join(dirpath, n)
            with open(full, "rb") as f:
                files[os.path.relpath(full, root).replace(os.sep, "/")] = f.read()
    return files


def copy_content(tmp, name="content"):
    """A copy of the example organisation (content/) at tmp/name, without its store and site."""
    repo = os.path.join(tmp, name)
    shutil.copytree(os.path.join(SOURCE_DIR, "content"), repo,
                    ignore=shutil.ignore_patterns(".nines", "site"))
    return repo


def git(root, *args, date="2026-01-10T00:00:00Z", name="Tess", email="t@example.org"):
    """Runs git in `root` with a fixed author and a fixed author and commit date."""
    env = dict(os.environ, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    return subprocess.run(["git", "-c", f"user.name={name}", "-c", f"user.email={email}", *args],
                          cwd=root, env=env, check=True, capture_output=True, text=True,
                          timeout=60)


def npm_global_file(rel):
    """A file of a package installed with `npm install -g` (scripts/setup-deps.sh --with-tests),
    e.g. "axe-core/axe.min.js"; None when npm or the file is missing."""
    try:
        root = subprocess.run(["npm", "root", "-g"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    path = os.path.join(root, rel)
    return path if os.path.isfile(path) else None


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def get_json(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.loads(r.read().decode())


def wait_ready(url, proc, seconds, log=None):
    """Polls `url` until it answers 200, `proc` exits or `seconds` pass; prints the log's tail on
    failure."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.2)
    if log and os.path.exists(log):
        print(open(log, errors="replace").read()[-2000:])
    return False


def stop(proc):
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=30)


def require_prometheus():
    """True when Debian's prometheus and promtool are on PATH; prints why not otherwise. Tests
    that need them fail without them, they do not skip."""
    if shutil.which("prometheus") and shutil.which("promtool"):
        return True
    print("FAIL: prometheus and promtool are required (Debian package prometheus)")
    return False


def backfill(openmetrics, data):
    """Turns an OpenMetrics file into TSDB blocks under `data` (promtool's own backfill)."""
    p = subprocess.run(["promtool", "tsdb", "create-blocks-from", "openmetrics", openmetrics, data],
                       capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise RuntimeError("promtool failed: " + p.stderr[-1000:])


def serve_prometheus(tmp, data, config="global:\n  scrape_interval: 1h\n"):
    """Serves the TSDB in `data` with a real prometheus on a free loopback port; returns
    (proc, url). The caller stops it with stop(proc)."""
    cfg = os.path.join(tmp, "prometheus.yml")
    with open(cfg, "w") as f:
        f.write(config)
    port = free_port()
    log = os.path.join(tmp, "prometheus.log")
    proc = subprocess.Popen(["prometheus", f"--config.file={cfg}", f"--storage.tsdb.path={data}",
                             "--storage.tsdb.retention.time=100y",
                             f"--web.listen-address=127.0.0.1:{port}"],
                            stdout=open(log, "w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    if not wait_ready(url + "/-/ready", proc, 90, log):
        stop(proc)
        raise RuntimeError("prometheus did not become ready within 90 s")
    return proc, url

