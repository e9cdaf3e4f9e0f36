"""Monitoring tasks: the DB5109/T15 Annex A form (网络交易信息监测任务需求表) plus what a
crawl needs, as one pydantic model loaded from YAML.

Errors name the file, the line and the field, because task files are written by hand by
monitoring staff. The JSON Schema generated from `MonitoringTask` is shipped next to this
module (task.schema.json) so other tools can check task files too."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from croniter import croniter
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from crawler import settings as project_settings

SCHEMA_PATH = Path(__file__).parent / "task.schema.json"
TASK_ID_RE = r"^TASK-\d{4}-\d{3,}$"
FAMILY_RE = r"^[a-z]+\.[a-z_]+$"


class TaskError(Exception):
    """A task file that cannot be used; `problems` are "file:line: field: message" lines."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Method(_Model):
    """方式/手段."""

    means: Literal["技术", "人工"] = Field("技术", title="监测方法", description="技术监测 or 人工监测")
    mode: Literal["自主", "委托"] = Field("自主", title="监测方式", description="自主监测 or 委托监测")


class Period(_Model):
    """时限: 自 年 月 日 至 年 月 日, both days inclusive, in the task's time zone."""

    start: date = Field(alias="from", title="自")
    end: date = Field(alias="to", title="至")

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError("period 'to' is before 'from'")
        return self


class Content(_Model):
    """内容: which rule packs and families the task applies (empty: all)."""

    packs: list[str] = Field(
        default_factory=list, title="规则包", description="pack file stems, e.g. drug-online-sales"
    )
    families: list[str] = Field(
        default_factory=list, title="规则类别", description="rule family ids, e.g. drug.banned_online"
    )

    @field_validator("families")
    @classmethod
    def _family_ids(cls, value: list[str], info: ValidationInfo) -> list[str]:
        known = (info.context or {}).get("families")
        for family in value:
            if not re.match(FAMILY_RE, family):
                raise ValueError(f"{family!r} is not a family id (area.name)")
            if known is not None and family not in known:
                raise ValueError(f"unknown rule family {family!r}")
        return value

    @field_validator("packs")
    @classmethod
    def _pack_names(cls, value: list[str], info: ValidationInfo) -> list[str]:
        known = (info.context or {}).get("packs")
        if known is not None:
            for pack in value:
                if pack not in known:
                    raise ValueError(f"unknown rule pack {pack!r}")
        return value


class Target(_Model):
    """One platform to crawl and where to start on it (对象)."""

    platform: str = Field(title="平台", description="spider name, e.g. jd")
    shop_urls: list[str] = Field(default_factory=list, title="店铺网址")
    product_urls: list[str] = Field(default_factory=list, title="商品网址")
    listing_urls: list[str] = Field(
        default_factory=list, title="列表网址", description="shop directories, category or search result pages"
    )
    search_keywords: list[str] = Field(default_factory=list, title="搜索关键词")
    base_url: str | None = Field(None, title="平台首页", description="platform root, needed for search keywords")

    @field_validator("platform")
    @classmethod
    def _known_platform(cls, value: str, info: ValidationInfo) -> str:
        known = (info.context or {}).get("platforms")
        if known is not None and value not in known:
            raise ValueError(f"no spider for platform {value!r} (have: {', '.join(sorted(known))})")
        return value

    @field_validator("shop_urls", "product_urls", "listing_urls", "base_url")
    @classmethod
    def _http_urls(cls, value: Any) -> Any:
        for url in [value] if isinstance(value, str) else value or []:
            if not re.match(r"^https?://[^\s/]+", url):
                raise ValueError(f"{url!r} is not an http(s) URL")
        return value

    @model_validator(mode="after")
    def _has_start(self) -> Target:
        if self.search_keywords and not self.base_url:
            raise ValueError("search_keywords need base_url")
        if not (self.start_urls or self.search_keywords):
            raise ValueError("a target needs shop_urls, product_urls, listing_urls or search_keywords")
        return self

    @property
    def start_urls(self) -> list[str]:
        return [*self.listing_urls, *self.shop_urls, *self.product_urls]


class Politeness(_Model):
    """How gently a task's crawls treat the platform: a task may only be gentler than the
    crawler's defaults (crawler/settings.py), never harder on a platform."""

    concurrency: int | None = Field(
        None, ge=1, le=project_settings.CONCURRENT_REQUESTS_PER_DOMAIN, title="并发请求数",
        description="requests in flight per platform (default and most: the crawler's setting)",
    )  # fmt: skip
    delay: float | None = Field(
        None, ge=project_settings.DOWNLOAD_DELAY, le=600, title="请求间隔(秒)",
        description="seconds between requests to the platform (default and least: the crawler's setting)",
    )  # fmt: skip
    robots: bool = Field(True, title="遵守 robots.txt")


class MonitoringTask(_Model):
    """网络交易信息监测任务需求表 (DB5109/T15 附录A) and its crawl."""

    id: str = Field(pattern=TASK_ID_RE, title="任务编号", description="TASK-<year>-<number>")
    name: str = Field(min_length=1, title="名称")
    source: str | None = Field(None, title="来源", description="年度计划, 上级交办, 群众投诉 …")
    legal_basis: list[str] = Field(default_factory=list, title="法律依据")
    initiating_department: str | None = Field(None, title="发起部门")
    executing_department: str | None = Field(None, title="执行部门")
    data_supplied: str | None = Field(None, title="提供相关数据库或目录")
    goal: str | None = Field(None, title="拟达目标")
    method: Method = Field(default_factory=Method, title="方式/手段")
    steps: list[str] = Field(default_factory=list, title="实施步骤")
    period: Period = Field(title="时限")
    frequency: str = Field(title="频次", description="cron expression (minute hour day month weekday)")
    frequency_text: str | None = Field(None, title="频次(文字)", description="as written on the form, e.g. 每周一次")
    timezone: str = Field("Asia/Shanghai", title="时区", description="for frequency and period")
    objects: list[Literal["经营主体", "经营客体", "经营行为"]] = Field(default_factory=list, title="对象")
    task_type: Literal["常规", "专项"] | None = Field(None, title="任务类别", description="常规监测 or 专项监测")
    scope: str | None = Field(None, title="范围")
    content: Content = Field(default_factory=Content, title="内容")
    keywords: list[str] = Field(default_factory=list, title="关键词")
    notes: str | None = Field(None, title="备注")
    targets: list[Target] = Field(min_length=1, title="监测目标")
    politeness: Politeness = Field(default_factory=Politeness, title="采集礼貌")
    evidence_all_pages: bool = Field(
        False, title="全部页面留存证据", description="keep evidence of pages without clues"
    )

    @field_validator("frequency")
    @classmethod
    def _cron(cls, value: str) -> str:
        if not croniter.is_valid(value):
            raise ValueError(f"{value!r} is not a cron expression (minute hour day month weekday)")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    # -- time ------------------------------------------------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def window(self) -> tuple[datetime, datetime]:
        """[start, end) of the period as aware datetimes."""
        start = datetime.combine(self.period.start, time(0), self.zone)
        end = datetime.combine(self.period.end + timedelta(days=1), time(0), self.zone)
        return start, end

    def next_run_after(self, moment: datetime) -> datetime | None:
        """First cron time strictly after `moment` inside the period, or None when none is left."""
        start, end = self.window()
        base = max(moment.astimezone(self.zone), start - timedelta(microseconds=1))
        candidate = croniter(self.frequency, base).get_next(datetime)
        return candidate if candidate < end else None

    # -- crawl -----------------------------------------------------------------------------

    def spider_arguments(self, target: Target, job_id: str | None = None) -> dict[str, str]:
        """Arguments for the target's spider, as `scrapy crawl -a` and scrapyd take them."""
        args = {"task_id": self.id}
        if target.start_urls:
            args["start_urls"] = ",".join(target.start_urls)
        if target.search_keywords:
            args["keywords"] = ",".join(target.search_keywords)
        if target.base_url:
            args["base_url"] = target.base_url
        if job_id:
            args["job_id"] = job_id
        return args

    def crawl_settings(self) -> dict[str, Any]:
        """Scrapy settings this task sets for its crawls."""
        settings: dict[str, Any] = {
            "ROBOTSTXT_OBEY": self.politeness.robots,
            "EVIDENCE_ALL_PAGES": self.evidence_all_pages,
        }
        if self.politeness.concurrency is not None:
            settings["CONCURRENT_REQUESTS_PER_DOMAIN"] = self.politeness.concurrency
        if self.politeness.delay is not None:
            settings["DOWNLOAD_DELAY"] = self.politeness.delay
        if self.content.families:
            settings["RULE_FAMILIES"] = ",".join(self.content.families)
        if self.content.packs:
            settings["RULE_PACKS"] = ",".join(self.content.packs)
        return settings


# -- loading -------------------------------------------------------------------------------


def _line_index(node: yaml.Node, path: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], int]:
    """(key, index, …) path → 1-based line of every node in a composed YAML document."""
    lines = {path: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines.update(_line_index(value_node, (*path, key)))
            lines[(*path, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            lines.update(_line_index(child, (*path, index)))
    return lines


def _line_of(lines: dict[tuple[Any, ...], int], loc: tuple[Any, ...]) -> int:
    """The line of the deepest part of `loc` present in the file (a missing field points at
    the mapping that should hold it)."""
    for cut in range(len(loc), -1, -1):
        if loc[:cut] in lines:
            return lines[loc[:cut]]
    return 1


def _aliased(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Pydantic reports field names; the file uses aliases (period.from, period.to)."""
    names = {"start": "from", "end": "to"}
    return tuple(names.get(p, p) if i and loc[i - 1] == "period" else p for i, p in enumerate(loc))


def parse_task(text: str, source: str = "<task>", context: dict[str, Any] | None = None) -> MonitoringTask:
    """Parse and validate one task document; raises TaskError with file:line: field lines."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise TaskError([f"{source}:{line}: not valid YAML: {getattr(exc, 'problem', exc)}"]) from None
    if not isinstance(data, dict) or node is None:
        raise TaskError([f"{source}:1: a task file is a mapping of Annex A fields"])
    try:
        return MonitoringTask.model_validate(data, context=context)
    except ValidationError as exc:
        lines = _line_index(node)
        problems = []
        for error in exc.errors():
            loc = _aliased(tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-"))))
            field = ".".join(str(p) for p in loc) or "(task)"
            message = error["msg"].removeprefix("Value error, ")
            problems.append(f"{source}:{_line_of(lines, loc)}: {field}: {message}")
        raise TaskError(problems) from None


def load_task(path: Path | str, context: dict[str, Any] | None = None) -> MonitoringTask:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TaskError([f"{path}:0: cannot read: {exc.strerror}"]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise TaskError([f"{path}: not UTF-8 (byte 0x{raw[exc.start]:02x} on line {line}); save it as UTF-8"]) from None
    return parse_task(text, str(path), context)


def task_files(where: Path | str) -> list[Path]:
    """A task file itself, or the *.yaml / *.yml files of a directory, sorted."""
    where = Path(where)
    if where.is_dir():
        return sorted(p for p in where.iterdir() if p.suffix in (".yaml", ".yml"))
    return [where]


def generated_schema() -> dict[str, Any]:
    schema = MonitoringTask.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "wangjian:task.schema.json", **schema}


def schema_text() -> str:
    return json.dumps(generated_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schema(path: Path = SCHEMA_PATH) -> None:
    """Regenerate the shipped schema (run after changing MonitoringTask)."""
    path.write_text(schema_text(), encoding="utf-8")
