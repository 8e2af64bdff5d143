"""A tiny Chrome DevTools Protocol client for the browser end-to-end tests (Python 3 stdlib only).

Chromium is started with --remote-debugging-pipe: CDP messages are JSON objects, each followed by
a NUL byte, written to the child's fd 3 and read from its fd 4. No websocket, no open port: the
only traffic is what the pages themselves load (the tests serve the site on 127.0.0.1).

    with Browser() as b:
        page = b.new_page()
        page.navigate("http://127.0.0.1:8000/index.html")
        print(page.evaluate("document.title"), page.problems)

Every wait is bounded; a dead or hung browser raises CDPError instead of blocking the test.
"""
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time

CHROMIUM = "/usr/bin/chromium"

# Exactly the flags the project uses; the user data dir and the first URL are added per launch.
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
         "--remote-debugging-pipe"]


class CDPError(Exception):
    pass


def _ignored_url(url):
    """The browser's own favicon request is not the page's doing."""
    return (url or "").split("?", 1)[0].split("#", 1)[0].endswith("/favicon.ico")


def _local_url(url):
    """URLs a page may load: the site itself (127.0.0.1 or file://) and inline schemes."""
    u = (url or "").lower()
    return (u.startswith(("file:", "data:", "blob:", "about:", "chrome-error:", "devtools:"))
            or u.startswith(("http://127.0.0.1:", "http://127.0.0.1/")))


class Browser:
    """One Chromium process driven over the DevTools pipe."""

    def __init__(self, chromium=CHROMIUM, timeout=20.0):
        if not os.path.exists(chromium):
            raise CDPError(f"{chromium} is missing (scripts/test.sh installs Debian's chromium)")
        self.timeout = timeout
        self._profile = tempfile.mkdtemp(prefix="nines-chromium-")
        self._log_path = os.path.join(self._profile, "chromium.log")
        self._lock = threading.Lock()        # guards everything below, with _cond
        self._cond = threading.Condition(self._lock)
        self._write_lock = threading.Lock()
        self._next_id = 0
        self._responses = {}                 # id -> message
        self._events = []                    # every event, in arrival order
        self._pages = {}                     # session id -> Page (for problem collection)
        self._closed = False                 # the pipe reached EOF

        # Our ends: we write to_child_w and read from_child_r. The child's ends become fd 3 and 4.
        to_child_r, self._to_child_w = os.pipe()
        self._from_child_r, from_child_w = os.pipe()

        def child_setup():
            # dup both first, so neither target number clobbers the other source; then place them.
            a, b = os.dup(to_child_r), os.dup(from_child_w)
            os.dup2(a, 3)
            os.dup2(b, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        self._log = open(self._log_path, "wb")
        try:
            self.proc = subprocess.Popen(
                [chromium, *FLAGS, f"--user-data-dir={self._profile}",
                 "--allow-file-access-from-files", "about:blank"],
                stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
                pass_fds=(3, 4), preexec_fn=child_setup, start_new_session=True)
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()
        try:
            self.version = self.send("Browser.getVersion")
        except Exception:
            self.close()
            raise

    # --- transport -------------------------------------------------------------------------------

    def _read_loop(self):
        buf = b""
        try:
            while True:
                chunk = os.read(self._from_child_r, 1 << 16)
                if not chunk:
                    break
                buf += chunk
                while b"\0" in buf:
                    raw, buf = buf.split(b"\0", 1)
                    if raw:
                        self._dispatch(json.loads(raw))
        except (OSError, ValueError):
            pass
        finally:
            with self._cond:
                self._closed = True
                self._cond.notify_all()

    def _dispatch(self, msg):
        with self._cond:
            if "id" in msg:
                self._responses[msg["id"]] = msg
            else:
                self._events.append(msg)
                page = self._pages.get(msg.get("sessionId"))
                if page is not None:
                    page._on_event(msg["method"], msg.get("params", {}))
            self._cond.notify_all()

    def send(self, method, params=None, session_id=None, timeout=None):
        """Sends one command and returns its result; raises CDPError on an error or a timeout."""
        with self._cond:
            if self._closed:
                raise CDPError(f"{method}: the browser is gone")
            self._next_id += 1
            mid = self._next_id
        msg = {"id": mid, "method": method, "params": params or {}}
        if session_id:
            msg["sessionId"] = session_id
        data = json.dumps(msg).encode() + b"\0"
        with self._write_lock:
            try:
                os.write(self._to_child_w, data)  # messages are small: one write, pipe-atomic or not
            except OSError as e:
                raise CDPError(f"{method}: cannot write to the browser: {e}") from e
        deadline = time.monotonic() + (timeout or self.timeout)
        with self._cond:
            while mid not in self._responses:
                left = deadline - time.monotonic()
                if self._closed:
                    raise CDPError(f"{method}: the browser closed the pipe")
                if left <= 0:
                    raise CDPError(f"{method}: no answer within {timeout or self.timeout:g} s")
                self._cond.wait(min(left, 0.5))
            resp = self._responses.pop(mid)
        if "error" in resp:
            raise CDPError(f"{method}: {resp['error'].get('message')} {resp['error'].get('data', '')}")
        return resp.get("result", {})

    def event_mark(self):
        """A position in the event stream, for wait_event(after=...)."""
        with self._cond:
            return len(self._events)

    def wait_event(self, method, session_id=None, after=0, timeout=None, pred=None):
        """The first event `method` (of that session) at or after `after` matching pred."""
        deadline = time.monotonic() + (timeout or self.timeout)
        i = after
        with self._cond:
            while True:
                while i < len(self._events):
                    ev = self._events[i]
                    i += 1
                    if ev.get("method") == method and (session_id is None or
                                                       ev.get("sessionId") == session_id):
                        if pred is None or pred(ev.get("params", {})):
                            return ev.get("params", {})
                left = deadline - time.monotonic()
                if left <= 0:
                    raise CDPError(f"no {method} within {timeout or self.timeout:g} s")
                if self._closed:
                    raise CDPError(f"waiting for {method}: the browser closed the pipe")
                self._cond.wait(min(left, 0.5))

    # --- pages -----------------------------------------------------------------------------------

    def new_page(self, width=1280, height=900):
        """A new page target, attached (flat session), with Runtime, Log, Page and Network on."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        sid = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, target, sid)
        with self._cond:
            self._pages[sid] = page
        for domain in ("Runtime", "Log", "Page", "Network"):
            self.send(f"{domain}.enable", session_id=sid)
        page.set_viewport(width, height)
        return page

    def log_tail(self, n=2000):
        """The end of Chromium's own output, for failure messages."""
        try:
            with open(self._log_path, "rb") as f:
                return f.read()[-n:].decode(errors="replace")
        except OSError:
            return ""

    # --- shutdown --------------------------------------------------------------------------------

    def close(self, timeout=5.0):
        """Browser.close, then SIGKILL (of this process group only) if it has not exited."""
        if self.proc.poll() is None:
            try:
                self.send("Browser.close", timeout=timeout)
            except CDPError:
                pass
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.proc.pid, 9)  # the group start_new_session made for Chromium
                except OSError:
                    self.proc.kill()
                try:
                    self.proc.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    pass
        for fd in (self._to_child_w,):
            try:
                os.close(fd)
            except OSError:
                pass
        self._reader.join(timeout)
        try:
            os.close(self._from_child_r)
        except OSError:
            pass
        self._log.close()
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Page:
    """One attached page. `problems` collects, since the last navigate() (or clear()), every
    console error, uncaught exception, error log entry, failed or >= 400 load (favicon.ico
    excepted) and request to anything but 127.0.0.1 / file://, as readable strings."""

    def __init__(self, browser, target_id, session_id):
        self.browser = browser
        self.target_id = target_id
        self.session_id = session_id
        self.problems = []
        self._urls = {}  # requestId -> url

    def _on_event(self, method, p):  # called by the reader thread, under the browser's lock
        if method == "Runtime.consoleAPICalled" and p.get("type") == "error":
            args = []
            for a in p.get("args", []):
                args.append(str(a["value"]) if "value" in a else a.get("description", a.get("type")))
            self.problems.append("console.error: " + " ".join(args))
        elif method == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            desc = d.get("exception", {}).get("description") or d.get("text", "")
            self.problems.append(f"exception: {desc} ({d.get('url', '')}:{d.get('lineNumber', '?')})")
        elif method == "Log.entryAdded":
            e = p.get("entry", {})
            if e.get("level") == "error" and not _ignored_url(e.get("url")):
                self.problems.append(f"log [{e.get('source')}]: {e.get('text')} {e.get('url', '')}")
        elif method == "Network.requestWillBeSent":
            url = p.get("request", {}).get("url", "")
            self._urls[p.get("requestId")] = url
            if not _local_url(url):
                self.problems.append(f"request outside 127.0.0.1/file://: {url}")
        elif method == "Network.responseReceived":
            r = p.get("response", {})
            url = r.get("url", "")
            if r.get("status", 0) >= 400 and not _ignored_url(url):
                self.problems.append(f"HTTP {r.get('status')}: {url}")
        elif method == "Network.loadingFailed":
            url = self._urls.get(p.get("requestId"), "?")
            if not p.get("canceled") and not _ignored_url(url):
                self.problems.append(f"load failed ({p.get('errorText')}"
                                     f"{', ' + p['blockedReason'] if p.get('blockedReason') else ''}): {url}")

    def send(self, method, params=None, timeout=None):
        return self.browser.send(method, params, session_id=self.session_id, timeout=timeout)

    def clear(self):
        with self.browser._cond:
            self.problems = []

    def set_viewport(self, width, height):
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    def set_color_scheme(self, scheme):
        """'dark' or 'light' for prefers-color-scheme; '' for the browser's default."""
        self.send("Emulation.setEmulatedMedia",
                  {"media": "", "features": [{"name": "prefers-color-scheme", "value": scheme}]})

    def navigate(self, url, timeout=20.0, settle=0.1):
        """Loads url and waits for its load event (bounded), then `settle` seconds for late console
        messages. Clears `problems` first. Raises CDPError if the navigation itself fails."""
        self.clear()
        mark = self.browser.event_mark()
        r = self.send("Page.navigate", {"url": url}, timeout=timeout)
        if r.get("errorText"):
            raise CDPError(f"navigating to {url}: {r['errorText']}")
        self.browser.wait_event("Page.loadEventFired", self.session_id, after=mark, timeout=timeout)
        if settle:
            time.sleep(settle)

    def evaluate(self, expression, timeout=None):
        """The value of a JS expression (promises awaited), returned by value."""
        r = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                           "awaitPromise": True}, timeout=timeout)
        if "exceptionDetails" in r:
            d = r["exceptionDetails"]
            raise CDPError(f"evaluate: {d.get('exception', {}).get('description') or d.get('text')}")
        return r.get("result", {}).get("value")

    def wait_for(self, expression, timeout=5.0, interval=0.05):
        """Polls a JS expression until it is truthy; returns its value, or the last falsy one."""
        deadline = time.monotonic() + timeout
        while True:
            v = self.evaluate(expression)
            if v or time.monotonic() >= deadline:
                return v
            time.sleep(interval)

    def press(self, key):
        """A real key press (keyDown, then keyUp) on the focused element: "Enter", "Escape", " "."""
        codes = {"Enter": ("Enter", 13, "\r"), "Escape": ("Escape", 27, ""), " ": ("Space", 32, " ")}
        code, vk, text = codes.get(key, (key, 0, key if len(key) == 1 else ""))
        down = {"type": "keyDown" if text else "rawKeyDown", "key": key, "code": code,
                "windowsVirtualKeyCode": vk, "nativeVirtualKeyCode": vk}
        if text:
            down["text"] = text
        self.send("Input.dispatchKeyEvent", down)
        self.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": key, "code": code,
                                             "windowsVirtualKeyCode": vk, "nativeVirtualKeyCode": vk})

    def screenshot(self):
        """The viewport as PNG bytes."""
        import base64
        return base64.b64decode(self.send("Page.captureScreenshot", {"format": "png"})["data"])

    def close(self):
        try:
            self.browser.send("Target.closeTarget", {"targetId": self.target_id}, timeout=5)
        except CDPError:
            pass
