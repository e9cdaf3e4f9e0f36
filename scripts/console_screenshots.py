"""Take the README's console screenshots (docs/img/console-*.png) against demo data.

Runs `wangjian demo` with its own state directory (embedded database included), then
`wangjian serve` on a free port on that database, signs in with Chromium and saves the
dashboard and a clue page. Everything it starts is stopped at the end.

    .venv/bin/python scripts/console_screenshots.py [--output docs/img]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "screenshot-pass-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wangjian(env: dict[str, str], *args: str, stdin: str | None = None) -> None:
    subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, env=env, input=stdin, text=True, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args()
    args.output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wangjian-shots-") as work:
        env = {**os.environ, "WANGJIAN_VAR": work, "WANGJIAN_DB": "wangjian"}
        env.pop("MONGO_URI", None)
        wangjian(env, "demo")
        wangjian(env, "user", "add", "demo.officer", "--role", "reviewer", "--password-stdin", stdin=PASSWORD + "\n")
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "cli", "serve", "--port", str(port), "--tasks", str(ROOT / "tasks")],
            cwd=ROOT, env=env,
        )  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}/"
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(url + "login", timeout=2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("wangjian serve did not start") from None
                    time.sleep(0.3)
            shoot(url, args.output)
        finally:
            server.terminate()
            server.wait(30)
    return 0


def shoot(url: str, output: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1100}, locale="zh-CN")
        page.goto(url)
        page.fill("input[name=username]", "demo.officer")
        page.fill("input[name=password]", PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_selector("#chart-family canvas")
        page.wait_for_timeout(1500)  # chart animations
        page.screenshot(path=str(output / "console-dashboard.png"), full_page=False)
        page.goto(url + "clues?platform=douyin&severity=S2")
        link = page.locator("a.clue-link").first
        if not link.count():
            page.goto(url + "clues?platform=douyin")
            link = page.locator("a.clue-link").first
        link.click()
        page.wait_for_selector("#clue-title")
        page.click("#verify")
        page.wait_for_selector("#verification")
        page.wait_for_timeout(500)
        page.screenshot(path=str(output / "console-clue.png"), full_page=False)
        browser.close()
    print(f"saved {output / 'console-dashboard.png'} and {output / 'console-clue.png'}")


if __name__ == "__main__":
    sys.exit(main())
