"""Everything a console request works with, built once per process."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from console.accounts import Accounts
from console.alerts import Alerts
from console.audit import AuditLog
from console.feed import DEFAULT_SETTLE_SECONDS
from console.runs import TaskRuns
from console.sessions import Sessions
from rules import RuleSet, load_ruleset
from store.database import Store


@dataclass
class ConsoleConfig:
    store: Store
    mongo_uri: str  # handed to the runs the console starts (same server, same database)
    tasks_dir: Path = Path("tasks")
    var_dir: Path = Path("var")
    packs_dir: Path | None = None
    settle_seconds: float = DEFAULT_SETTLE_SECONDS
    background_seconds: float = 2.0  # how often runs are reaped and alerts collected; 0: never
    secure_cookies: bool = False  # set when served behind HTTPS


@dataclass
class Services:
    config: ConsoleConfig
    accounts: Accounts = field(init=False)
    sessions: Sessions = field(init=False)
    audit: AuditLog = field(init=False)
    runs: TaskRuns = field(init=False)
    alerts: Alerts = field(init=False)

    def __post_init__(self) -> None:
        store = self.config.store
        self.accounts = Accounts(store)
        self.sessions = Sessions(store)
        self.audit = AuditLog(store)
        self.runs = TaskRuns(store, self.config.tasks_dir, self.config.mongo_uri, self.config.var_dir / "runs")
        self.alerts = Alerts(store, self.config.settle_seconds)

    @property
    def store(self) -> Store:
        return self.config.store

    @functools.cached_property
    def ruleset(self) -> RuleSet:
        return load_ruleset(self.config.packs_dir) if self.config.packs_dir else load_ruleset()
