"""Wait until the Rasa server answers a message over REST (model loaded, actions up)."""
from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request


def answered(url: str) -> bool:
    body = json.dumps({"sender": "readiness-probe", "message": "/ask_mascot"}).encode()
    request = urllib.request.Request(
        f"{url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return bool(json.load(response))
    except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://localhost:5005")
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    start = time.monotonic()
    while time.monotonic() - start < args.timeout:
        if answered(args.url):
            print(f"==> bot ready after {time.monotonic() - start:.1f} s")
            return 0
        time.sleep(1)
    print(f"bot not ready after {args.timeout:.0f} s", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
