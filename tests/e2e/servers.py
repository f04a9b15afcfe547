"""Start the real bot (scripts/run_servers.sh) for end-to-end tests.

    servers = BotServers(rasa_port=5205, actions_port=5255, web_port=8205, console_port=None,
                         env={"LINE_API_BASE_URL": standin.url, ...}, workdir=tmp_path)
    servers.start()       # waits until the bot answers over REST
    servers.restart()     # stop, then start again with the same env and files
    servers.stop()

Each instance has its own tracker store, consultation database and LINE event
store under ``workdir``, so tests never touch build/ or each other. The trained
model must exist (``make test`` trains it first). Server output goes to
``workdir/servers.log``; on a start-up failure its tail is in the error.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "rengo.tar.gz"


class BotServers:
    def __init__(
        self,
        rasa_port: int,
        actions_port: int,
        workdir: Path,
        web_port: Optional[int] = None,
        env: Optional[Dict[str, str]] = None,
        console_port: Optional[int] = None,
        startup_timeout: float = 240.0,
    ) -> None:
        self.rasa_port = rasa_port
        self.actions_port = actions_port
        self.web_port = web_port
        self.console_port = console_port
        self.workdir = Path(workdir)
        self.extra_env = dict(env or {})
        self.startup_timeout = startup_timeout
        self.log_path = self.workdir / "servers.log"
        self._process: Optional[subprocess.Popen] = None

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def rest_url(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"

    @property
    def console_url(self) -> str:
        if self.console_port is None:
            raise RuntimeError("these servers were started without the console (console_port=None)")
        return f"http://localhost:{self.console_port}"

    @property
    def web_url(self) -> str:
        if self.web_port is None:
            raise RuntimeError("these servers were started without the web page (web_port=None)")
        return f"http://127.0.0.1:{self.web_port}"

    def ports(self) -> List[int]:
        return [p for p in (self.rasa_port, self.actions_port, self.web_port, self.console_port) if p is not None]

    def environment(self) -> Dict[str, str]:
        env = dict(os.environ)
        env.update(
            RASA_PORT=str(self.rasa_port),
            ACTIONS_PORT=str(self.actions_port),
            WEB_PORT=str(self.web_port) if self.web_port is not None else "off",
            CONSOLE_PORT=str(self.console_port) if self.console_port is not None else "off",
            CONSOLE_DB_URL=f"sqlite:///{self.workdir / 'console.sqlite3'}",
            TRACKER_STORE_URL=f"sqlite:///{self.workdir / 'tracker.sqlite3'}",
            CONSULTATION_DB_URL=f"sqlite:///{self.workdir / 'consultations.sqlite3'}",
            LINE_EVENT_STORE_URL=f"sqlite:///{self.workdir / 'line-events.sqlite3'}",
            SQLALCHEMY_SILENCE_UBER_WARNING="1",
            TF_CPP_MIN_LOG_LEVEL="2",
        )
        env.update(self.extra_env)
        return env

    def start(self) -> None:
        if not MODEL.exists():
            raise RuntimeError(f"{MODEL} is missing: run `make model` first")
        # Another bot on these ports would answer the readiness probe in our place.
        busy = [port for port in self.ports() if _someone_listens_on(port)]
        if busy:
            raise RuntimeError(f"port(s) {busy} already in use (another bot?): stop it or choose other ports")
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        self._process = subprocess.Popen(
            [str(ROOT / "scripts" / "run_servers.sh")],
            cwd=ROOT,
            env=self.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop() ends every child
        )
        log.close()
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                break
            if self._answers():
                return
            time.sleep(1.0)
        tail = self.log_path.read_text(errors="replace").splitlines()[-40:]
        self.stop()
        raise RuntimeError("the bot did not come up:\n" + "\n".join(tail))

    def _answers(self) -> bool:
        body = json.dumps({"sender": "e2e-readiness", "message": "/ask_mascot"}).encode()
        request = urllib.request.Request(
            self.rest_url, data=body, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                answered = bool(json.load(response))
        except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
            return False
        if not answered:
            return False
        # the widget's page answers 200; the console sends anonymous visitors to its login page
        pages = [self.web_url + "/"] if self.web_port is not None else []
        pages += [self.console_url + "/login"] if self.console_port is not None else []
        for page in pages:
            try:
                with urllib.request.urlopen(page, timeout=5) as response:
                    if response.status != 200:
                        return False
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                return False
        return True

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def restart(self) -> None:
        self.stop()
        self.start()


def _someone_listens_on(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True
