#!/usr/bin/env python3
"""A fault-injecting stand-in for the Prometheus HTTP API, for the failure tests of
test_prometheus.py only (the happy path runs against a real Prometheus).

It answers POST /api/v1/query and /api/v1/query_range with fixed counts — a query naming
`good_events` or code "200" gets GOOD per day, any other gets TOTAL per day (pro rata for shorter
windows) — and injects one fault:

  ok         answer every request
  slow       sleep --delay seconds before answering
  flaky      answer 503 to the first --fail-first attempts of each distinct request
  ratelimit  answer 429 with Retry-After: --retry-after to the first --fail-first attempts
  malformed  answer truncated JSON
  nan        answer "NaN" sample values
  die        answer --die-after requests, then SIGKILL itself on the next one (mid-pull)
  huge       answer a sample time of 1e999 (a number no double holds)
  echo       answer 400 with an error that echoes the Authorization header, padded so that the
             token straddles a 300-character cut, after a line break
  error      answer 503 to every request
  negative   answer "-5" sample values
  goodgt     answer good counts larger than the totals (other queries as usual)
  dupconflict  repeat every range sample at its time with the value "0"
  millis     answer range sample times in milliseconds (off the requested day steps)
  goldenfail answer 503 to golden-signal queries (those naming http_requests_total), the SLO
             queries as usual
  halfnan    answer "NaN" for the range samples at odd unix days (every other day's end), the
             other days and instant queries as usual
  rangeerror answer 503 to range queries (the daily counts), instant queries as usual
  warnings   answer success with half the counts and a "warnings" list (a Thanos or Mimir
             partial response)
  subsecond  answer range sample times 0.4 s before the requested day steps
  echopath   answer 400 with an error that quotes the request's path, query string included
             (a relative URL, no scheme)
  oversize   answer range queries with 17 MiB of valid JSON (a padding field), instant queries as
             usual
  ratelimit with --retry-after-date: Retry-After is an HTTP-date --retry-after seconds ahead

With FAULT_EXPECT_TOKEN set, a request without `Authorization: Bearer <that token>` gets 401.
Listens on 127.0.0.1 only; writes its port to --port-file and one JSON line per request to --log
(time, path, a digest of the body, status; never headers). Exits by itself after --max-seconds.

Usage: fault_server.py --mode M --port-file F --log L [--delay S] [--fail-first N]
                       [--retry-after S] [--die-after N] [--max-seconds S]
"""
import argparse
import email.utils
import hashlib
import json
import math
import os
import re
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

GOOD, TOTAL = 990, 1000  # events per day


def window_days(query):
    m = re.search(r"\[(\d+)([smhdw])\]", query)
    if not m:
        return 1.0
    n, unit = int(m.group(1)), m.group(2)
    return n * {"s": 1 / 86400, "m": 1 / 1440, "h": 1 / 24, "d": 1, "w": 7}[unit]


def is_good(query):
    return "good_events" in query or 'code="200"' in query


def value_for(query):
    return (GOOD if is_good(query) else TOTAL) * window_days(query)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", required=True,
                    choices=["ok", "slow", "flaky", "ratelimit", "malformed", "nan", "die",
                             "huge", "echo", "error", "negative", "goodgt", "dupconflict",
                             "millis", "goldenfail", "halfnan", "rangeerror", "warnings",
                             "subsecond", "echopath", "oversize"])
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--delay", type=float, default=3.0)
    ap.add_argument("--fail-first", type=int, default=1)
    ap.add_argument("--retry-after", type=int, default=1)
    ap.add_argument("--retry-after-date", action="store_true")
    ap.add_argument("--die-after", type=int, default=1)
    ap.add_argument("--max-seconds", type=float, default=120.0)
    args = ap.parse_args()
    expect_token = os.environ.get("FAULT_EXPECT_TOKEN", "")
    lock = threading.Lock()
    attempts = {}  # body digest → attempts seen
    served = [0]
    log = open(args.log, "a", buffering=1)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):  # quiet: our own log has what the tests need
            pass

        def reply(self, status, body, headers=()):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            self.reply(405, '{"status":"error","errorType":"bad_data","error":"POST only"}')

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(min(length, 1 << 20)).decode()
            form = {k: v[0] for k, v in parse_qs(raw).items()}
            digest = hashlib.sha256((self.path + raw).encode()).hexdigest()[:16]
            with lock:
                n = attempts[digest] = attempts.get(digest, 0) + 1
                served[0] += 1
                count = served[0]
            status = self.handle_one(form, n, count)
            log.write(json.dumps({"t": time.time(), "path": self.path, "req": digest,
                                  "attempt": n, "status": status}) + "\n")

        def handle_one(self, form, n, count):
            auth = self.headers.get("Authorization", "")
            if expect_token and auth != "Bearer " + expect_token:
                self.reply(401, '{"status":"error","errorType":"unauthorized",'
                                '"error":"bad or missing bearer token"}')
                return 401
            mode = args.mode
            if mode == "die" and count > args.die_after:
                log.write(json.dumps({"t": time.time(), "path": self.path, "killed": True}) + "\n")
                log.flush()
                os.kill(os.getpid(), signal.SIGKILL)
            if mode == "slow":
                time.sleep(args.delay)
            if mode == "error":
                self.reply(503, '{"status":"error","errorType":"unavailable","error":"down"}')
                return 503
            if mode == "echo":
                msg = "x" * 270 + "\nrejected header: " + auth
                self.reply(400, json.dumps({"status": "error", "errorType": "bad_data",
                                            "error": msg}))
                return 400
            if mode == "flaky" and n <= args.fail_first:
                self.reply(503, '{"status":"error","errorType":"unavailable","error":"try later"}')
                return 503
            if mode == "ratelimit" and n <= args.fail_first:
                # A date is whole seconds: rounded up, so the wait is never shorter than asked.
                after = (email.utils.formatdate(math.ceil(time.time()) + args.retry_after,
                                                usegmt=True)
                         if args.retry_after_date else str(args.retry_after))
                self.reply(429, '{"status":"error","errorType":"too_many_requests",'
                                '"error":"slow down"}', [("Retry-After", after)])
                return 429
            if mode == "echopath":
                self.reply(400, json.dumps({"status": "error", "errorType": "bad_data",
                                            "error": "cannot handle " + self.path}))
                return 400
            path = self.path.split("?")[0]
            if mode == "rangeerror" and path == "/api/v1/query_range":
                self.reply(503, '{"status":"error","errorType":"unavailable",'
                                '"error":"query_range overloaded"}')
                return 503
            query = form.get("query", "")
            if mode == "goldenfail" and "http_requests_total" in query:
                self.reply(503, '{"status":"error","errorType":"unavailable","error":"down"}')
                return 503
            value = repr(float(value_for(query)))
            if mode == "nan":
                value = "NaN"
            elif mode == "negative":
                value = "-5"
            elif mode == "goodgt" and is_good(query):
                value = repr(float(2 * TOTAL * window_days(query)))
            elif mode == "warnings":
                value = repr(float(value_for(query)) / 2)
            sample = lambda t: [t, value]
            if path == "/api/v1/query_range":
                start, end, step = (int(float(form[k])) for k in ("start", "end", "step"))
                points = [sample(t) for t in range(start, end + 1, step)][:20000]
                if mode == "halfnan":
                    points = [[t, "NaN" if (t // 86400) % 2 else v] for t, v in points]
                if mode == "dupconflict":
                    points += [[t, "0"] for t, _ in points]
                if mode == "millis":
                    points = [[t * 1000, v] for t, v in points]
                if mode == "subsecond":
                    points = [[t - 0.4, v] for t, v in points]
                body = json.dumps({"status": "success", "data": {"resultType": "matrix",
                                   "result": [{"metric": {}, "values": points}]}})
            elif path == "/api/v1/query":
                value = sample(int(float(form["time"])))
                body = json.dumps({"status": "success", "data": {"resultType": "vector",
                                   "result": [{"metric": {}, "value": value}]}})
            else:
                self.reply(404, '{"status":"error","errorType":"not_found","error":"no such path"}')
                return 404
            if mode == "warnings":
                doc = json.loads(body)
                doc["warnings"] = ["partial response: store 10.0.0.7:10901 unavailable; "
                                   "results may be incomplete"]
                body = json.dumps(doc)
            if mode == "malformed":
                body = body[: len(body) // 2]
            if mode == "oversize" and path == "/api/v1/query_range":
                body = body[:-1] + ', "pad": "' + "x" * (17 << 20) + '"}'
            if mode == "huge":
                body = re.sub(r"\[(\d+), ", "[1e999, ", body, count=1)
            self.reply(200, body)
            return 200

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    # Bounded in time whatever happens to the test that started it.
    threading.Timer(args.max_seconds, lambda: os._exit(0)).start()
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
