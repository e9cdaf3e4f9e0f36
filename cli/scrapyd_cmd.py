"""`wangjian scrapyd deploy`: build the project egg and upload it to a scrapy.cfg deploy
target. Crawls are then scheduled with `wangjian task run FILE --scrapyd URL`."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from cli import CliError


def register(sub: Any) -> None:
    parser = sub.add_parser("scrapyd", help="deploy the project to scrapyd")
    commands = parser.add_subparsers(dest="scrapyd_command", required=True, metavar="ACTION")
    p = commands.add_parser("deploy", help="build the egg and add it as a new project version")
    p.add_argument("target", nargs="?", default="default", help="deploy target in scrapy.cfg ([deploy:NAME])")
    p.add_argument("--config", type=Path, default=Path("scrapy.cfg"))
    p.add_argument("--url", help="scrapyd URL (overrides the target's)")
    p.add_argument("--project", help="project name (overrides the target's)")
    p.add_argument("--version", help="version label (default: the current Unix time)")
    p.set_defaults(func=deploy)


def deploy(args: argparse.Namespace) -> int:
    from crawler.scrapyd import ScrapydClient, ScrapydError, deploy_target

    try:
        if args.url and args.project:
            url, project = args.url, args.project
        else:
            url, project = deploy_target(args.config, args.target)
            url, project = args.url or url, args.project or project
        with tempfile.TemporaryDirectory() as work:
            answer = ScrapydClient(url).deploy(project, Path(work), args.version)
    except ScrapydError as exc:
        raise CliError(str(exc)) from None
    print(f"deployed {project} version {answer.get('version')} to {url}: {answer.get('spiders')} spiders")
    return 0
