"""Headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`).

Why a pipe: it needs no port, no websocket library and no driver binary, only the chromium binary and the
standard library. Chromium reads NUL-terminated JSON commands on fd 3 and writes responses and events on
fd 4; a small bash `exec` puts our pipe ends on those numbers. Every event of the page is recorded, so a
test can assert on console errors, uncaught exceptions, JavaScript dialogs (an injected `alert()`) and
every request the page made (anything but the file itself is a request leaving the page).
"""
from __future__ import annotations

import base64
import fcntl
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
# The flags the machine notes give for a closed network: no background fetches, no component updates.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)


def find_chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), *CHROMIUM_CANDIDATES, shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@dataclass
class PageVisit:
    url: str
    console: list[dict[str, Any]] = field(default_factory=list)  # every console call: {"type", "text"}
    exceptions: list[str] = field(default_factory=list)
    log_errors: list[str] = field(default_factory=list)  # Log domain: CSP refusals, failed loads
    requests: list[str] = field(default_factory=list)  # every URL the page asked for
    dialogs: list[str] = field(default_factory=list)  # alert()/confirm() messages: never expected

    @property
    def console_errors(self) -> list[str]:
        return [c["text"] for c in self.console if c["type"] in ("error", "assert")]

    @property
    def outside_requests(self) -> list[str]:
        """Requests for anything but the report itself (data: URIs stay in the page)."""
        return [u for u in self.requests if u != self.url and not u.startswith(("data:", "about:"))]


class Chromium:
    """One headless browser; `open(path)` returns a `Tab` that has loaded the file."""

    def __init__(self, binary: str, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self._profile = tempfile.mkdtemp(prefix="sm-harness-chromium-")
        to_browser_r, to_browser_w = os.pipe()
        from_browser_r, from_browser_w = os.pipe()
        # fd numbers >= 10 so the shell's redirections onto 3 and 4 cannot clobber them
        child_in, child_out = (fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_browser_r, from_browser_w))
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._stderr = open(Path(self._profile) / "stderr.log", "wb")
        self.process = subprocess.Popen(
            ["/bin/bash", "-c", f'exec "$@" 3<&{child_in} 4>&{child_out} {child_in}<&- {child_out}>&-', "sh",
             binary, *FLAGS, f"--user-data-dir={self._profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._stderr,
            pass_fds=(child_in, child_out),
        )
        os.close(child_in)
        os.close(child_out)
        self._write = os.fdopen(to_browser_w, "wb", buffering=0)
        self._read = os.fdopen(from_browser_r, "rb", buffering=0)
        self._next_id = 0
        self._replies: dict[int, queue.Queue] = {}
        self._events: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        threading.Thread(target=self._reader, daemon=True).start()
        self.version = self.send("Browser.getVersion")["product"]

    def _reader(self) -> None:
        buffer = b""
        while chunk := self._read.read(65536):
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            for raw in messages:
                message = json.loads(raw)
                if "id" in message:
                    self._replies.setdefault(message["id"], queue.Queue()).put(message)
                else:
                    self._events.put(message)
        self._events.put({"method": "_closed"})

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict[str, Any]:
        with self._lock:
            self._next_id += 1
            ident = self._next_id
            self._replies.setdefault(ident, queue.Queue())
        command: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if session:
            command["sessionId"] = session
        self._write.write(json.dumps(command).encode() + b"\0")
        try:
            reply = self._replies[ident].get(timeout=self.timeout)
        except queue.Empty:
            raise TimeoutError(f"chromium did not answer {method} within {self.timeout} s: {self.stderr_tail()}")
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def open(self, path: Path, width: int = 1280, height: int = 900) -> "Tab":
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        tab = Tab(self, session, path.resolve().as_uri())
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=session)
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session)
        self.send("Page.navigate", {"url": tab.visit.url}, session)
        tab.wait_for("Page.loadEventFired")
        tab.settle()
        return tab

    def stderr_tail(self) -> str:
        self._stderr.flush()
        text = (Path(self._profile) / "stderr.log").read_text(errors="replace")
        return text[-2000:]

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except Exception:  # noqa: BLE001 - closing a browser that is already gone
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._write.close()
        self._stderr.close()
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> "Chromium":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Tab:
    def __init__(self, browser: Chromium, session: str, url: str) -> None:
        self.browser, self.session = browser, session
        self.visit = PageVisit(url)

    def _record(self, event: dict[str, Any]) -> None:
        method, params = event.get("method"), event.get("params", {})
        if event.get("sessionId") not in (None, self.session):
            return
        if method == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            self.visit.console.append({"type": params.get("type"), "text": text})
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            self.visit.exceptions.append(details.get("exception", {}).get("description") or details.get("text", ""))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            self.visit.log_errors.append(params["entry"].get("text", ""))
        elif method == "Network.requestWillBeSent":
            self.visit.requests.append(params.get("request", {}).get("url", ""))
        elif method == "Page.javascriptDialogOpening":
            self.visit.dialogs.append(params.get("message", ""))
            # answered from the reader's side would deadlock; a thread answers it
            threading.Thread(target=self.browser.send, args=("Page.handleJavaScriptDialog", {"accept": True}, self.session),
                             daemon=True).start()

    def wait_for(self, method: str, timeout: float | None = None) -> dict[str, Any]:
        deadline = time.monotonic() + (timeout or self.browser.timeout)
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = self.browser._events.get(timeout=left)
            except queue.Empty:
                break
            self._record(event)
            if event.get("method") == "_closed":
                raise RuntimeError(f"chromium exited: {self.browser.stderr_tail()}")
            if event.get("method") == method and event.get("sessionId") == self.session:
                return event
        raise TimeoutError(f"no {method} within the timeout: {self.browser.stderr_tail()}")

    def settle(self, quiet: float = 0.3) -> None:
        """Drain events until the page has been quiet for `quiet` seconds (late console messages)."""
        while True:
            try:
                self._record(self.browser._events.get(timeout=quiet))
            except queue.Empty:
                return

    def evaluate(self, expression: str) -> Any:
        result = self.browser.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, self.session)
        self.settle(0.05)
        return result.get("result", {}).get("value")

    def screenshot(self, path: Path, full_page: bool = True, media: str = "screen") -> Path:
        self.browser.send("Emulation.setEmulatedMedia", {"media": media}, self.session)
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            size = self.browser.send("Page.getLayoutMetrics", session=self.session)["cssContentSize"]
            params.update(captureBeyondViewport=True,
                          clip={"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1})
        data = self.browser.send("Page.captureScreenshot", params, self.session)["data"]
        self.browser.send("Emulation.setEmulatedMedia", {"media": ""}, self.session)
        self.settle(0.05)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def print_pdf(self, path: Path) -> Path:
        data = self.browser.send("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True}, self.session)["data"]
        self.settle(0.05)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path
