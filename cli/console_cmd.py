"""`wangjian serve`, `wangjian user`, `wangjian token`: the web console and read API, its
users and the API tokens of downstream systems."""

from __future__ import annotations

import argparse
import getpass
import ipaddress
import os
import secrets
import signal
import sys
from pathlib import Path
from typing import Any

from cli import CliError
from cli.options import add_db_option, store_session

ADMIN = "admin"


def register(sub: Any) -> None:
    from console.accounts import ROLES

    p = sub.add_parser("serve", help="web console and read API (http://127.0.0.1:8000 by default)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--tasks", type=Path, default=Path("tasks"), help="directory of task files the console runs")
    p.add_argument("--settle-seconds", type=float, default=None, help="delay before a new clue enters the API feed")
    p.add_argument("--secure-cookies", action="store_true", help="mark cookies Secure (when served behind HTTPS)")
    p.add_argument(
        "--admin-password-once",
        action="store_true",
        help=f"(re)set user {ADMIN!r} to a new random password, printed once; it must be changed at sign-in",
    )
    add_db_option(p)
    p.set_defaults(func=serve)

    p = sub.add_parser("user", help="console users: add, list")
    actions = p.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    a = actions.add_parser("add", help="add a user (password from a prompt, or one line on stdin)")
    a.add_argument("name")
    a.add_argument("--role", required=True, choices=ROLES)
    a.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    a.add_argument("--replace", action="store_true", help="reset the password and role of an existing user")
    add_db_option(a)
    a.set_defaults(func=user_add)
    a = actions.add_parser("list", help="users and their roles")
    add_db_option(a)
    a.set_defaults(func=user_list)

    p = sub.add_parser("token", help="read-only API tokens for downstream systems: add, list, revoke")
    actions = p.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    a = actions.add_parser("add", help="a new token for SYSTEM, printed once")
    a.add_argument("system")
    add_db_option(a)
    a.set_defaults(func=token_add)
    a = actions.add_parser("list", help="tokens by system (never the tokens themselves)")
    add_db_option(a)
    a.set_defaults(func=token_list)
    a = actions.add_parser("revoke", help="revoke every token of SYSTEM")
    a.add_argument("system")
    add_db_option(a)
    a.set_defaults(func=token_revoke)


def _cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        if not line:
            raise CliError("--password-stdin: nothing on stdin")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise CliError("no terminal to ask for a password; pass --password-stdin and write it to stdin")
    first = getpass.getpass(f"password for {args.name}: ")
    if first != getpass.getpass("again: "):
        raise CliError("the passwords differ")
    return first


def user_add(args: argparse.Namespace) -> int:
    from console.accounts import AccountError, Accounts
    from console.audit import AuditLog

    password = _password(args)
    with store_session(args) as store:
        try:
            Accounts(store).add_user(args.name, args.role, password, replace=args.replace)
        except AccountError as exc:
            raise CliError(str(exc)) from None
        AuditLog(store).append(_cli_actor(), "user.add", args.name, "cli", {"role": args.role, "replace": args.replace})
    print(f"user {args.name} ({args.role}) saved")
    return 0


def user_list(args: argparse.Namespace) -> int:
    from console.accounts import Accounts

    with store_session(args) as store:
        for user in Accounts(store).list_users():
            state = "disabled" if user.get("disabled") else ("must change password" if user.get("must_change") else "")
            print(f"{user['_id']:<24} {user['role']:<9} {state}")
    return 0


def token_add(args: argparse.Namespace) -> int:
    from console.accounts import AccountError, Accounts
    from console.audit import AuditLog

    with store_session(args) as store:
        try:
            token = Accounts(store).add_token(args.system)
        except AccountError as exc:
            raise CliError(str(exc)) from None
        AuditLog(store).append(_cli_actor(), "token.add", args.system, "cli", {"prefix": token[:10]})
    print(token)
    print(f"read-only API token for {args.system}; shown only now. Send it as 'Authorization: Bearer <token>'.",
          file=sys.stderr)  # fmt: skip
    return 0


def token_list(args: argparse.Namespace) -> int:
    with store_session(args) as store:
        for doc in store.db["api_tokens"].find().sort("created_at", 1):
            state = "revoked" if doc.get("revoked") else doc.get("scope", "read")
            print(f"{doc['system']:<24} {doc.get('prefix', '')}…  {doc['created_at']:%Y-%m-%d %H:%M}  {state}")
    return 0


def token_revoke(args: argparse.Namespace) -> int:
    from console.accounts import Accounts
    from console.audit import AuditLog

    with store_session(args) as store:
        count = Accounts(store).revoke_tokens(args.system)
        AuditLog(store).append(_cli_actor(), "token.revoke", args.system, "cli", {"count": count})
    print(f"{count} token(s) of {args.system} revoked")
    return 0


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from console.accounts import Accounts
    from console.app import create_app
    from console.audit import AuditLog
    from console.feed import DEFAULT_SETTLE_SECONDS
    from console.services import ConsoleConfig
    from store.database import var_dir

    if not _is_loopback(args.host) and not args.secure_cookies:
        print(f"warning: serving on {args.host} without TLS; put it behind HTTPS and pass --secure-cookies",
              file=sys.stderr)  # fmt: skip
    with store_session(args) as store:
        host, port = store.client.address or ("127.0.0.1", 27017)
        uri = os.environ.get("MONGO_URI") or f"mongodb://{host}:{port}/"
        settle = args.settle_seconds if args.settle_seconds is not None else DEFAULT_SETTLE_SECONDS
        config = ConsoleConfig(store=store, mongo_uri=uri, tasks_dir=args.tasks, var_dir=var_dir(),
                               settle_seconds=settle, secure_cookies=args.secure_cookies)  # fmt: skip
        app = create_app(config)
        url = f"http://{'[' + args.host + ']' if ':' in args.host else args.host}:{args.port}/"
        if args.admin_password_once:
            password = secrets.token_urlsafe(12)
            Accounts(store).add_user(ADMIN, "admin", password, replace=True, must_change=True)
            AuditLog(store).append(_cli_actor(), "user.add", ADMIN, "cli", {"role": "admin", "one_time": True})
            print(f"console: {url}\nsign in as {ADMIN} with the one-time password: {password}\n"
                  "(it must be changed at the first sign-in)", flush=True)  # fmt: skip
        else:
            print(f"console: {url}", flush=True)
        # uvicorn re-raises the SIGTERM it shut down on; as SystemExit the exit handlers still run.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning", proxy_headers=False, server_header=False)
    return 0


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
