"""What the server holds: its resident memory and CPU time from /proc, and what Streamlit reports of its sessions."""

import os
import threading
import time
import urllib.request
from pathlib import Path


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Resident set size of one process in MB (VmRSS in /proc/<pid>/status; VmHWM for its peak so far)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} for process {pid}")


def reset_peak(pid: int) -> bool:
    """Start VmHWM (the peak RSS) again from the current RSS, so that it catches a peak too short for sampling; False where
    the kernel does not let us (writing 5 to /proc/<pid>/clear_refs)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


class PeakSampler:
    """The highest RSS seen while the `with` block runs, sampled every `interval` seconds."""

    def __init__(self, pid: int, interval: float = 0.1):
        self.pid, self.interval, self.peak_mb = pid, interval, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak_mb = max(self.peak_mb, rss_mb(self.pid))
            except (OSError, RuntimeError):
                return  # the server is gone
            time.sleep(self.interval)

    def __enter__(self) -> "PeakSampler":
        self.peak_mb = rss_mb(self.pid)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_mb = max(self.peak_mb, rss_mb(self.pid))


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far (/proc/<pid>/stat), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def streamlit_holds(url: str) -> dict:
    """Connected sessions and the bytes of images (st.image) kept for sessions, from Streamlit's /_stcore/metrics."""
    text = urllib.request.urlopen(url.rstrip("/") + "/_stcore/metrics", timeout=30).read().decode()
    held = {"active_sessions": None, "media_kb": 0.0}  # Streamlit leaves the media line out while it holds none
    for line in text.splitlines():
        if line.startswith("active_sessions "):
            held["active_sessions"] = int(float(line.split()[-1]))
        elif line.startswith("cache_memory_bytes") and "st_memory_media_file_storage" in line:
            held["media_kb"] = round(float(line.split()[-1]) / 1000, 1)
    return held
