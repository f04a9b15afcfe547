#!/usr/bin/env python3
"""Does opening the socket.io and LINE channels slow down the bot? An A/B on REST latency.

Starts the real bot (tests/e2e/servers.py, spare ports 5605/5655) twice with
credentials.yml and twice with a REST-only credentials file, alternating, and
asks each 300 questions from tests/questions/questions.yml over REST, one at a
time from 20 conversations; prints p50/p95 per run (the first 20 requests are
warm-up and not counted). Needs a trained model; takes about four minutes.

    .venv/bin/python scripts/bench_channel_overhead.py
"""
from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import List, Optional, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.servers import BotServers  # noqa: E402

WARM_UP = 20


def questions(limit: int = 150) -> List[str]:
    data = yaml.safe_load((ROOT / "tests" / "questions" / "questions.yml").read_text(encoding="utf-8"))
    return [q["ask"] for q in data["questions"] if "ask" in q][:limit]


def measure(credentials: Optional[Path], asks: List[str]) -> Tuple[float, float]:
    env = {"CREDENTIALS": str(credentials)} if credentials else {}
    bot = BotServers(5605, 5655, Path(tempfile.mkdtemp(prefix="bench-channels-")), env=env)
    bot.start()
    try:
        latencies = []
        for i, ask in enumerate(asks):
            body = json.dumps({"sender": f"bench-{i % 20}", "message": ask}).encode()
            request = urllib.request.Request(
                bot.rest_url, data=body, headers={"Content-Type": "application/json"}
            )
            start = time.perf_counter()
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
            latencies.append((time.perf_counter() - start) * 1000)
    finally:
        bot.stop()
    counted = latencies[WARM_UP:]
    return statistics.median(counted), statistics.quantiles(counted, n=20)[18]


def main() -> int:
    asks = questions() * 2
    with tempfile.TemporaryDirectory() as tmp:
        rest_only = Path(tmp) / "rest-only.yml"
        rest_only.write_text("rest:\n", encoding="utf-8")
        for label, credentials in [
            ("REST only", rest_only), ("all channels", None),
            ("REST only", rest_only), ("all channels", None),
        ]:
            p50, p95 = measure(credentials, asks)
            print(f"{label:>12}: p50 {p50:.1f} ms, p95 {p95:.1f} ms", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
