"""`streamlit run app.py` on a free port, as the tests and the benchmarks start it, and how README says to serve a class."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from harness.waiting import wait_until

REPO_ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 180  # a cold start on a busy 2-core machine takes tens of seconds

TTL_ENV = "STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL"  # server.disconnectedSessionTTL
# How README "Serving a class" says to serve: no file watching and no forced full garbage collection after every
# script run (each walked every loaded module or object while holding the interpreter lock, for every stroke), and
# glibc's malloc kept to two arenas (by default each of the many session threads may get its own, and what they
# free is kept as the server's high-water mark).
SERVING = {"STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none", "STREAMLIT_RUNNER_POST_SCRIPT_GC": "false", "MALLOC_ARENA_MAX": "2"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def streamlit_server(port: int | None = None, env: dict | None = None, log_path: Path | None = None, root: Path = REPO_ROOT):
    """`streamlit run app.py` in `root` (this checkout, or an older one for a before/after) on a free port;
    yields (url, process, seconds the server took to answer)."""
    port = port or free_port()
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port)]
    log = open(log_path, "w") if log_path else subprocess.DEVNULL
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=root, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit did not start in {root} (exit code {process.returncode})")
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2).read()
        except OSError:
            return False
        return True

    try:
        wait_until(answers, START_TIMEOUT_S, "streamlit to answer on " + url)
        yield url, process, time.perf_counter() - started
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        if log_path:
            log.close()
