"""How many simple requests per second the sandbox serves on loopback.

Starts ``kanal sandbox serve --port 0`` as its own process, then several client processes
each send ``GET /wordpress/wp-json/wp/v2/users/me`` (an authenticated call to a platform
without rate limits) over one keep-alive HTTP/1.1
connection for a fixed time. Prints ONE JSON line:
``{"requests_per_s": ..., "requests": ..., "errors": ..., "seconds": ..., "clients": ...}``.

    python bench/sandbox.py [--seconds 5] [--clients 4]
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import multiprocessing
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
PATH = "/wordpress/wp-json/wp/v2/users/me"


def _client(
    host: str,
    port: int,
    authorization: str,
    deadline: float,
    results: multiprocessing.Queue,
) -> None:
    connection = http.client.HTTPConnection(host, port, timeout=10)
    headers = {"Authorization": authorization}
    done = errors = 0
    while time.monotonic() < deadline:
        try:
            connection.request("GET", PATH, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                done += 1
            else:
                errors += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=10)
    connection.close()
    results.put((done, errors))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    server = subprocess.Popen(
        [sys.executable, "-m", "desktop_app", "sandbox", "serve", "--port", "0"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        ready = json.loads(server.stdout.readline())
        parts = urlsplit(ready["base_url"])
        credentials = ready["platforms"]["wordpress"]["credentials"]
        pair = f"{credentials['username']}:{credentials['application_password']}"
        authorization = "Basic " + base64.b64encode(pair.encode()).decode()
        results: multiprocessing.Queue = multiprocessing.Queue()
        start = time.monotonic()
        deadline = start + args.seconds
        workers = [
            multiprocessing.Process(
                target=_client, args=(parts.hostname, parts.port, authorization, deadline, results)
            )
            for _ in range(args.clients)
        ]
        for worker in workers:
            worker.start()
        totals = [results.get(timeout=args.seconds + 30) for _ in workers]
        for worker in workers:
            worker.join()
        elapsed = time.monotonic() - start
    finally:
        server.terminate()
        server.wait(timeout=10)
    requests = sum(done for done, _ in totals)
    errors = sum(failed for _, failed in totals)
    line = {
        "requests_per_s": round(requests / elapsed, 1),
        "requests": requests,
        "errors": errors,
        "seconds": round(elapsed, 2),
        "clients": args.clients,
        "endpoint": f"GET {PATH}",
    }
    sys.stdout.write(json.dumps(line) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
