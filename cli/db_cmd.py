"""`wangjian db start|stop|status|replay`: the shared local database service (the embedded
server every wangjian process on this machine uses unless MONGO_URI names another)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from cli import CliError
from cli.options import add_db_option


def register(sub: Any) -> None:
    parser = sub.add_parser("db", help="the local database service: start, stop, status, replay the spool")
    commands = parser.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    p = commands.add_parser("start", help="start the embedded database (or check the running one answers)")
    p.set_defaults(func=start)
    p = commands.add_parser("stop", help="stop the embedded database (clients spool their writes meanwhile)")
    p.set_defaults(func=stop)
    p = commands.add_parser("status", help="is it running, where are its files, what waits in the spool")
    add_db_option(p)
    p.set_defaults(func=status)
    p = commands.add_parser("replay", help="write what the spool holds for this database now")
    add_db_option(p)
    p.set_defaults(func=replay)


def _service() -> Any:
    from store.database import var_dir
    from store.db_service import LocalDatabase

    if os.environ.get("MONGO_URI"):
        print("note: MONGO_URI is set, so wangjian uses that server, not this embedded one", file=sys.stderr)
    return LocalDatabase(var_dir())


def start(args: argparse.Namespace) -> int:
    from store.embedded_mongo import EmbeddedMongoError

    service = _service()
    try:
        service.ensure()
    except EmbeddedMongoError as exc:
        raise CliError(str(exc)) from None
    state = service.status()
    print(f"database running: pid {state.pid}, 127.0.0.1:{state.port}, data in {service.storage}")
    return 0


def stop(args: argparse.Namespace) -> int:
    stopped = _service().stop()
    print(f"database stopped (pid {', '.join(map(str, stopped))})" if stopped else "database was not running")
    return 0


def status(args: argparse.Namespace) -> int:
    from store.database import server_identity, spool_dir
    from store.spool import describe_target, spool_status

    service = _service()
    state = service.status()
    if state.running:
        print(f"database {state.detail}: pid {state.pid}, 127.0.0.1:{state.port}")
    else:
        print("database not running (it starts when a wangjian command needs it, or with `wangjian db start`)")
    print(f"data: {service.storage}")
    created = "" if service.credentials_file.exists() else " (created on first start)"
    print(f"credentials: {service.credentials_file}{created}")
    configured = os.environ.get("MONGO_URI")
    target = {"server": server_identity(configured) if configured else service.identity, "database": args.db}
    spool = spool_status(spool_dir())
    print(f"spool: {spool_dir()}")
    for segment in spool.segments:
        if segment.waiting:
            mine = " (this database)" if segment.target == target else ""
            print(f"  {segment.name}: {segment.waiting} batch(es) for {describe_target(segment.target)}{mine}")
    for line in spool.notices(target):
        print(f"  {line}")
    if not spool.segments and not spool.quarantined:
        print("  empty")
    return 1 if state.running and not state.healthy else 0


def replay(args: argparse.Namespace) -> int:
    from cli.options import store_session
    from store.database import spool_dir
    from store.spool import Spool
    from store.writer import StoreWriter

    with store_session(args) as store:
        writer = StoreWriter(store, Spool(spool_dir()))
        writer.open()
        writer.close()
        counts = writer.counts
        _, notices = store.pending_spool()
        where = store.describe()
    print(f"replayed {counts.batches_replayed} batch(es) into {where}, {counts.batches_quarantined} quarantined")
    for line in notices:
        print(f"  {line}", file=sys.stderr)
    return 0
