"""Opening and creating the project's databases."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import inspect

from bot.database import open_engine

ROOT = Path(__file__).resolve().parents[2]
CREATE = (
    "import sys, time\n"
    "from bot.database import open_engine\n"
    "from bot.console.schema import create_schema\n"
    "engine = open_engine(sys.argv[1])\n"
    "time.sleep(max(0.0, float(sys.argv[2]) - time.time()))\n"  # start together
    "create_schema(engine)\n"
)


def test_processes_creating_the_same_fresh_database_together_all_succeed(tmp_path):
    """What `make run` does on a fresh machine: the console server and its command line
    both create the console's tables at once (this failed CI with "table already exists")."""
    import time

    for round_ in range(5):
        url = f"sqlite:///{tmp_path / f'console-{round_}.db'}"
        at = str(time.time() + 3.0)
        processes = [
            subprocess.Popen([sys.executable, "-c", CREATE, url, at], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(4)
        ]
        results = [p.communicate(timeout=60) + (p.returncode,) for p in processes]
        assert all(code == 0 for *_, code in results), [err for _, err, code in results if code][:1]
        assert "console_users" in inspect(open_engine(url)).get_table_names()
