"""The load client: N complete respondent journeys on C threads, standard library only.

One journey is what a browser without JavaScript does with a fresh cookie jar:

    GET  /o/<key>          → 200 welcome page    (open link of one municipality × audience;
                                                  follows its "start" link)
    GET  /survey/page/1    → 200 form with a hidden csrf_token
    POST /survey/page/1    → 303 next page … until the last page → 303 /survey/thanks
    GET  /survey/thanks    → 200

Every form is read with regular expressions over its controls, as the peer's load client
reads its forms: hidden fields are sent back as they came, every radio group gets a seeded
random value, every text box a few random words, and the submit button ``action=next``.
Any other status, a redirect elsewhere or a network error counts as an error for that
journey. Each request opens its own connection (sync gunicorn workers close
it after every response anyway), so the client measures what a browser would wait for.

Used by bench/run.py for ours and the bound app; also usable on its own:

    python -m bench.load --base http://127.0.0.1:8000 --link KEY [--link KEY …] -n 200 -c 8
"""

from __future__ import annotations

import argparse
import html
import http.client
import itertools
import json
import math
import random
import re
import threading
import time
from urllib.parse import urlencode, urljoin, urlsplit

WORDS = (
    "Zusammenarbeit Gemeinde Verwaltung gut schlecht schneller langsamer Kosten Vertrauen "
    "Information Beteiligung Energie Wärme Wind Solar Bürger Rat Planung klar unklar mehr "
    "weniger gemeinsam fair Einfluss Personal Qualität Zukunft"
).split()


# Forms are read the way the peer's own load client reads them (regular expressions over the
# form's controls, shared/peers/django-survey/load.py), not with a full HTML parser: the client
# shares the two cores with the servers, and parsing every tag of the welcome and form pages
# cost it 3.2 ms of CPU per journey, the regular expressions 1.0 ms (docs/performance.md).
_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form\s*>", re.I | re.S)
_CONTROL = re.compile(r"<(input|textarea|button)\b([^>]*)>", re.I)
_LINK = re.compile(r"<a\b[^>]*?\bhref=\"([^\"]*)\"", re.I)
_ATTR = re.compile(r"""([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")


def _attrs(text: str) -> dict[str, str]:
    found = {}
    for m in _ATTR.finditer(text):
        value = next((v for v in m.group(2, 3, 4) if v is not None), "")
        found[m.group(1).lower()] = html.unescape(value)
    return found


class FormParser:
    """The first POST form of a page (action and fields) and the page's links."""

    def __init__(self):
        self.action: str | None = None
        self.hidden: list[tuple[str, str]] = []
        self.radios: dict[str, list[str]] = {}
        self.checks: dict[str, list[str]] = {}
        self.texts: list[str] = []
        self.submit: tuple[str, str] | None = None
        self.links: list[str] = []

    def feed(self, page: str) -> None:
        self.links += [html.unescape(href) for href in _LINK.findall(page)]
        for form in _FORM.finditer(page):
            if _attrs(form.group(1)).get("method", "get").lower() != "post":
                continue
            self.action = _attrs(form.group(1)).get("action", "")
            for control in _CONTROL.finditer(form.group(2)):
                self._control(control.group(1).lower(), _attrs(control.group(2)))
            return

    def _control(self, tag: str, a: dict[str, str]) -> None:
        name = a.get("name")
        if "disabled" in a or not name:
            return
        if tag == "textarea":
            self.texts.append(name)
        elif tag == "button":
            if a.get("value") == "next" and self.submit is None:
                self.submit = (name, "next")
        else:
            typ = a.get("type", "text").lower()
            if typ == "hidden":
                self.hidden.append((name, a.get("value", "")))
            elif typ == "radio":
                self.radios.setdefault(name, []).append(a.get("value", "on"))
            elif typ == "checkbox":
                self.checks.setdefault(name, []).append(a.get("value", "on"))
            elif typ in ("text", "search"):
                self.texts.append(name)


def fill(form: FormParser, rng: random.Random) -> list[tuple[str, str]]:
    data = list(form.hidden)
    for name, values in form.radios.items():
        scale = [v for v in values if v.isdigit()] or values
        # Agreement leans positive, as in real surveys: weights 1 … 5 = 1:2:3:4:3.
        weights = [min(i + 1, 4) if len(scale) == 5 else 1 for i in range(len(scale))]
        data.append((name, rng.choices(scale, weights=weights)[0]))
    for name, values in form.checks.items():
        data.append((name, rng.choice(values)))
    for name in form.texts:
        data.append((name, " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12)))))
    if form.submit:
        data.append(form.submit)
    return data


class Browser:
    """A cookie jar and one fresh connection per request (http.client)."""

    def __init__(self, base: str, timeout: float):
        parts = urlsplit(base)
        if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit(f"refusing non-loopback target {parts.hostname!r}")
        self.host, self.port, self.timeout = parts.hostname, parts.port or 80, timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None):
        headers = {"Host": f"{self.host}:{self.port}", "User-Agent": "ikzsurvey-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body.encode() if body is not None else None,
                         headers=headers)
            resp = conn.getresponse()
            text = resp.read().decode("utf-8", "replace")
            for header in resp.headers.get_all("Set-Cookie") or []:
                pair = header.split(";", 1)[0]
                name, _, value = pair.partition("=")
                lower = header.lower()
                expired = "max-age=0" in lower or "expires=thu, 01 jan 1970" in lower
                if expired or value.strip() in ("", '""'):
                    self.cookies.pop(name.strip(), None)
                else:
                    self.cookies[name.strip()] = value.strip()
            return resp.status, resp.getheader("Location"), text
        finally:
            conn.close()


class JourneyError(Exception):
    pass


def path_of(location: str | None, current: str) -> str:
    if not location:
        raise JourneyError(f"redirect without Location from {current}")
    return urlsplit(urljoin("http://x" + current, location)).path


def journey(browser: Browser, key: str, rng: random.Random, timings: dict) -> None:
    """One respondent from the open link to the thank-you page; raises JourneyError."""
    welcome = f"/o/{key}"
    status, loc, page = browser.request("GET", welcome)
    if status == 303:  # an invitation link's redirect (open links answer at once)
        welcome = path_of(loc, welcome)
        status, _, page = browser.request("GET", welcome)
    if status != 200:
        raise JourneyError(f"GET {welcome} {status}")
    parser = FormParser()
    parser.feed(page)
    start = next((h for h in parser.links if "/page/" in h), None)
    if start is None:
        raise JourneyError("welcome page without a start link")
    path = path_of(start, welcome)
    for _ in range(50):  # pages
        status, _, page = browser.request("GET", path)
        if status != 200:
            raise JourneyError(f"GET {path} {status}")
        form = FormParser()
        form.feed(page)
        if form.action is None:
            raise JourneyError(f"no POST form on {path}")
        action = path_of(form.action or path, path)
        t0 = time.perf_counter()
        status, loc, _ = browser.request("POST", action, urlencode(fill(form, rng)))
        timings["post"] = (time.perf_counter() - t0) * 1000.0
        if status != 303:
            raise JourneyError(f"POST {action} {status} (form rejected?)")
        path = path_of(loc, action)
        if "/page/" not in path:
            break
    status, _, _ = browser.request("GET", path)
    if status != 200 or not path.endswith("/thanks"):
        raise JourneyError(f"GET {path} {status} (expected the thank-you page)")


def pct(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile of sorted values."""
    if not values:
        return None
    k = max(1, math.ceil(p / 100.0 * len(values)))
    return values[min(k, len(values)) - 1]


def warm_up(base: str, keys: list[str], count: int = 4, timeout: float = 60.0) -> int:
    """Untimed complete journeys (each worker loads its templates); returns how many ran."""
    done = 0
    for i in range(count):
        try:
            journey(Browser(base, timeout), keys[i % len(keys)], random.Random(f"w{i}"), {})
            done += 1
        except (JourneyError, OSError, http.client.HTTPException):
            pass
    return done


def run_load(base: str, keys: list[str], n: int, concurrency: int = 8, seed: int | str = 2026,
             timeout: float = 60.0, max_seconds: float = 1800.0) -> dict:
    """Submit ``n`` journeys on ``concurrency`` threads; return the figures (with the sorted
    latencies of the journeys and of their last POSTs, for :func:`combine`)."""
    counter = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    posts: list[float] = []
    errors: list[str] = []
    deadline = time.monotonic() + max_seconds

    def worker():
        while True:
            with lock:
                i = next(counter)
            if i >= n or time.monotonic() > deadline:
                return
            rng = random.Random(f"{seed}:{i}")
            browser = Browser(base, timeout)
            timings: dict = {}
            t0 = time.perf_counter()
            try:
                journey(browser, keys[i % len(keys)], rng, timings)
            except (JourneyError, OSError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(f"#{i}: {type(exc).__name__}: {exc}"[:200])
                continue
            elapsed = (time.perf_counter() - t0) * 1000.0
            with lock:
                latencies.append(elapsed)
                posts.append(timings.get("post", 0.0))

    cpu0 = time.process_time()
    start = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    latencies.sort()
    posts.sort()
    r = lambda v: None if v is None else round(v, 1)  # noqa: E731
    return {
        "n": n,
        "concurrency": concurrency,
        "ok": len(latencies),
        "errors": len(errors),
        "error_samples": errors[:5],
        "seconds": round(seconds, 3),
        "responses_per_s": round(len(latencies) / seconds, 2) if seconds else None,
        "p50_ms": r(pct(latencies, 50)),
        "p99_ms": r(pct(latencies, 99)),
        "post_p50_ms": r(pct(posts, 50)),
        "client_cpu_s": round(time.process_time() - cpu0, 2),
        "latencies_ms": latencies,
        "post_latencies_ms": posts,
    }


def combine(parts: list[dict]) -> dict:
    """The figures of several :func:`run_load` rounds against one server, as one run:
    journeys ÷ the seconds spent in the rounds, percentiles over all journeys."""
    latencies = sorted(v for part in parts for v in part["latencies_ms"])
    posts = sorted(v for part in parts for v in part["post_latencies_ms"])
    seconds = sum(part["seconds"] for part in parts)
    errors = [e for part in parts for e in part["error_samples"]]
    r = lambda v: None if v is None else round(v, 1)  # noqa: E731
    return {
        "n": sum(part["n"] for part in parts),
        "concurrency": parts[0]["concurrency"],
        "rounds": len(parts),
        "ok": len(latencies),
        "errors": sum(part["errors"] for part in parts),
        "error_samples": errors[:5],
        "seconds": round(seconds, 3),
        "responses_per_s": round(len(latencies) / seconds, 2) if seconds else None,
        "round_responses_per_s": [part["responses_per_s"] for part in parts],
        "p50_ms": r(pct(latencies, 50)),
        "p99_ms": r(pct(latencies, 99)),
        "post_p50_ms": r(pct(posts, 50)),
        "client_cpu_s": round(sum(part["client_cpu_s"] for part in parts), 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True)
    ap.add_argument("--link", action="append", required=True, help="open-link key (repeat)")
    ap.add_argument("-n", type=int, default=200)
    ap.add_argument("-c", "--concurrency", type=int, default=8)
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()
    warm_up(args.base, args.link)
    result = run_load(args.base, args.link, args.n, args.concurrency, args.seed)
    print(json.dumps({k: v for k, v in result.items() if not k.endswith("latencies_ms")}))


if __name__ == "__main__":
    main()
