"""Driving gunicorn with wrk: Lua scripts for the POSTs (a valid CSRF pair, a unique
email or a fresh confirmation token per request) and the figures wrk prints."""

import re
import shutil
import subprocess
from pathlib import Path

# One CSRF secret (the cookie) and its masked form (the form field), made by Django's own
# functions in bench/throughput.py; every POST carries both, as a browser that loaded the form.
# What every POST script starts with: a counter per thread, the CSRF cookie.
_PREAMBLE = """
local counter = 0
local threads = {}
-- id: a global set in each thread's own Lua state by setup
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Cookie"] = "csrftoken=%(cookie)s"
end
"""

_POST = (
    """
local prefix, body, path = "%(prefix)s", "%(body)s", "%(path)s"
"""
    + _PREAMBLE
    + """function request()
  counter = counter + 1
  local n = id .. "x" .. counter
  local p = path:gsub("{n}", n)
  return wrk.format(nil, p, nil, body:gsub("{n}", n))
end
"""
)

_CLICKS = (
    """
local prefix, per_thread = "%(prefix)s", %(per_thread)s
"""
    + _PREAMBLE
    + """function request()
  counter = counter + 1
  local token = prefix .. "-" .. (id * per_thread + counter)
  return wrk.format(nil, "/register/confirm/" .. token .. "/", nil, "%(body)s")
end
"""
)


def post_script(path: Path, *, url_path: str, body: str, cookie: str) -> Path:
    """Each request's {n} (in the path and the body) is unique within the run."""
    text = _POST % {"prefix": "", "body": body, "path": url_path, "cookie": cookie}
    path.write_text(text)
    return path


def clicks_script(path: Path, *, prefix: str, per_thread: int, body: str, cookie: str) -> Path:
    """Thread i confirms tokens prefix-(i*per_thread + 1), prefix-(i*per_thread + 2), ..."""
    values = {"prefix": prefix, "per_thread": per_thread, "body": body, "cookie": cookie}
    path.write_text(_CLICKS % values)
    return path


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found is None:  # Debian's package; the benchmark machine may lack it
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
        found = shutil.which("wrk")
    return found


def run(url: str, *, seconds: float, connections: int = 4, script: Path | None = None) -> dict:
    """Requests per second, p50 and p99 in ms, and the count of errors wrk saw."""
    threads = min(2, connections)
    command = [ensure_wrk(), f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script is not None:
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "bad": _bad(out),
    }


def _bad(out: str) -> int:
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return (int(errors.group(1)) if errors else 0) + (
        sum(int(n) for n in socket.groups()) if socket else 0
    )


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]
