"""The console driven in real Chromium against `wangjian serve` and the clues of real
fixture crawls: sign-in, review with evidence, status changes with history and audit,
roles, CSRF, escaping, and a task run watched live."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from tests.web.conftest import PASSWORD, TASK_ID, Console, sign_in

pytestmark = pytest.mark.browser


def screenshot_clue(console: Console) -> dict[str, Any]:
    """A new clue from the rendered platform whose snippet quotes its term."""
    for clue in console.store.clues.find({"target.platform": "douyin", "status": "new"}):
        hit = clue.get("hit") or {}
        if hit.get("term") and hit.get("snippet") and hit["term"] in hit["snippet"]:
            record = console.store.evidence.find_one({"_id": clue["evidence"][-1]["evidence_id"]})
            if record and any(a["kind"] == "screenshot" for a in record["artifacts"]):
                return clue
    raise AssertionError("no douyin clue with a screenshot and a quoted term")


def form_token(page: Any) -> str:
    return page.get_attribute("form[action='/logout'] input[name=csrf_token]", "value")


def test_a_visitor_who_is_not_signed_in_sees_the_sign_in_page(browser: Any, console: Console) -> None:
    page = browser.new_page()
    for path in ("", "clues", "tasks", "rules"):
        page.goto(console.url + path)
        assert "/login" in page.url and page.locator("#login-form").is_visible()
    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", "wrong password!")
    page.click("#login-form button[type=submit]")
    assert "用户名或密码错误" in page.inner_text("#error")
    page.context.close()


def test_dashboard_draws_its_charts(browser: Any, console: Console) -> None:
    page = sign_in(browser, console, "watcher")
    page.wait_for_selector("#chart-family canvas")
    for chart in ("time", "family", "platform", "severity", "region", "status"):
        assert page.locator(f"#chart-{chart} canvas").count() == 1, chart
    total = console.store.clues.count_documents({})
    assert int(page.inner_text("#open-count")) + int(page.inner_text("#handled-count")) == total
    assert "JOB-SEED-douyin" in page.inner_text("table.jobs") and "字段覆盖率" in page.inner_text("table.jobs")
    page.context.close()


def test_review_a_clue_change_its_status_and_see_history_and_audit(browser: Any, console: Console) -> None:
    clue = screenshot_clue(console)
    page = sign_in(browser, console, "officer")
    page.goto(console.url + "clues?platform=douyin&status=new")
    page.click(f"a.clue-link[href='/clues/{clue['_id']}']")
    page.wait_for_selector("#clue-title")
    assert clue["rule"]["title"] in page.inner_text("#clue-title")
    assert page.inner_text("#snippet mark") == clue["hit"]["term"]
    assert page.evaluate("document.getElementById('screenshot').naturalWidth") > 100
    for basis in clue["rule"]["legal_basis"]:
        assert basis in page.inner_text("body")
    assert clue["evidence"][-1]["sha256"] in page.inner_text("#evidence")

    page.click("#verify")
    page.wait_for_selector("#verification")
    assert "校验一致" in page.inner_text("#verification") and "不一致" not in page.inner_text("#verification")

    page.select_option("#status-to", "confirmed")
    page.fill("#status-note", "页面宣称与事实不符，研判构成违法")
    page.click("#status-submit")
    page.wait_for_selector("#message")
    assert page.inner_text("#clue-status").startswith("研判构成违法")
    history = page.inner_text("#history")
    assert "officer" in history and "页面宣称与事实不符" in history
    audit = page.inner_text("#audit")
    assert "clue.status" in audit and "127.0.0.1" in audit and "evidence.verify" in audit

    page.select_option("#status-to", "transferred")
    page.fill("#status-receiver", "杭州市市场监督管理局")
    page.click("#status-submit")
    page.wait_for_selector("#message")
    assert page.inner_text("#clue-status").startswith("已移交属地")
    with page.expect_popup() as popup:
        page.click("#notice-link")
    notice = popup.value
    notice.wait_for_load_state()
    assert "杭州市市场监督管理局" in notice.inner_text("body") and clue["rule"]["title"] in notice.inner_text("body")

    stored = console.store.clues.find_one({"_id": clue["_id"]})
    assert [(h["from"], h["to"], h["by"]) for h in stored["history"]] == [
        ("new", "confirmed", "officer"), ("confirmed", "transferred", "officer"),
    ]  # fmt: skip
    entries = list(
        console.store.db["audit_log"].find({"target": clue["_id"], "action": "clue.status", "ok": True}).sort("at", 1)
    )
    assert [e["detail"]["to"] for e in entries] == ["confirmed", "transferred"]
    assert all(e["user"] == "officer" and e["ip"] == "127.0.0.1" and e["at"] for e in entries)
    page.context.close()


def test_dismissing_needs_a_reason_and_bulk_actions_apply_to_each_clue(browser: Any, console: Console) -> None:
    page = sign_in(browser, console, "officer")
    clues = list(console.store.clues.find({"target.platform": "jd", "status": "new"}).limit(3))
    page.goto(console.url + f"clues/{clues[0]['_id']}")
    page.select_option("#status-to", "dismissed")
    page.click("#status-submit")
    assert "须填写理由" in page.inner_text("#error")
    assert console.store.clues.find_one({"_id": clues[0]["_id"]})["status"] == "new"

    page.goto(console.url + "clues?platform=jd&status=new")
    for clue in clues:
        page.check(f"input[name=ids][value='{clue['_id']}']")
    page.select_option("#bulk-form select[name=to]", "dismissed")
    page.fill("#bulk-form input[name=note]", "平台自营页面，已核实不构成违法")
    page.click("#bulk-form button[type=submit]")
    assert "3 条已改为 dismissed" in page.inner_text("#message")
    for clue in clues:
        stored = console.store.clues.find_one({"_id": clue["_id"]})
        assert stored["status"] == "dismissed" and stored["history"][-1]["note"] == "平台自营页面，已核实不构成违法"
    page.context.close()


def test_a_viewer_cannot_change_anything(browser: Any, console: Console) -> None:
    clue = console.store.clues.find_one({"status": "new"})
    page = sign_in(browser, console, "watcher")
    page.goto(console.url + f"clues/{clue['_id']}")
    assert page.locator("#status-form").count() == 0
    page.goto(console.url + "tasks")
    assert page.locator("button.run-now").count() == 0
    token = form_token(page)
    attempts = {
        f"clues/{clue['_id']}/status": {"to": "confirmed", "note": "x"},
        "clues/bulk": {"ids": clue["_id"], "to": "confirmed"},
        f"tasks/{TASK_ID}/run": {},
        "users": {"name": "intruder", "role": "admin", "password": "x" * 12},
        "alerts/hooks": {"name": "h", "url": "http://127.0.0.1:9/", "format": "json", "events": "s1_clue"},
    }
    for path, form in attempts.items():
        response = page.request.post(console.url + path, form={**form, "csrf_token": token}, max_redirects=0)
        assert response.status == 403, (path, response.status)
        assert "无权" in response.text()
    assert console.store.clues.find_one({"_id": clue["_id"]})["status"] == "new"
    assert console.store.db["console_users"].count_documents({"_id": "intruder"}) == 0
    refused = console.store.db["audit_log"].find_one(
        {"user": "watcher", "action": "role.refused", "target": f"/tasks/{TASK_ID}/run"}
    )
    assert refused is not None and not console.store.db["audit_log"].find_one({"user": "watcher", "action": "task.run"})
    assert console.store.db["audit_log"].count_documents({"user": "watcher", "action": "role.refused"}) >= 5
    page.context.close()


def test_a_form_without_a_csrf_token_is_refused(browser: Any, console: Console) -> None:
    clue = console.store.clues.find_one({"status": "new"})
    page = sign_in(browser, console, "officer")
    for form in ({"to": "confirmed", "note": "x"}, {"to": "confirmed", "note": "x", "csrf_token": "forged"}):
        response = page.request.post(console.url + f"clues/{clue['_id']}/status", form=form, max_redirects=0)
        assert response.status == 403 and "CSRF" in response.text()
    assert console.store.clues.find_one({"_id": clue["_id"]})["status"] == "new"
    assert console.store.db["audit_log"].count_documents({"user": "officer", "action": "csrf.refused"}) >= 2
    # sign-in itself carries a token too
    fresh = page.context.browser.new_context()
    response = fresh.request.post(console.url + "login", form={"username": "officer", "password": PASSWORD},
                                  max_redirects=0)  # fmt: skip
    assert response.status == 403
    fresh.close()
    page.context.close()


def test_markup_in_a_clue_is_shown_as_text(browser: Any, console: Console) -> None:
    clue = console.store.clues.find_one({"target.platform": "jd", "status": "new"})
    title = "<script>window.__xss = 1</script>最佳<b>标题</b>"
    snippet = '<img src=x onerror="window.__xss = 2">全网最佳'
    console.store.clues.update_one(
        {"_id": clue["_id"]},
        {"$set": {"rule.title": title, "hit.snippet": snippet, "hit.term": "最佳", "target.shop_name": "<i>店</i>"}},
    )
    page = sign_in(browser, console, "watcher")
    page.goto(console.url + f"clues/{clue['_id']}")
    assert title in page.inner_text("#clue-title")
    assert page.inner_text("#snippet") == snippet
    assert page.evaluate("window.__xss") is None
    assert page.locator("#clue-title script, #clue-title b, #snippet img").count() == 0
    page.goto(console.url + "clues?" + "platform=jd&status=new")
    assert title in page.inner_text("table.clues")
    assert page.evaluate("window.__xss") is None
    page.context.close()


def test_an_operator_runs_a_task_and_watches_it_live(browser: Any, console: Console) -> None:
    page = sign_in(browser, console, "runner")
    page.goto(console.url + "tasks")
    page.click(f"tr[data-task='{TASK_ID}'] button.run-now")
    page.wait_for_url(re.compile(r"/jobs/JOB-"))
    job_id = page.url.rsplit("/", 1)[1]
    page.evaluate("window.__same_page = true")
    seen: list[tuple[str, int]] = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        status, pages = page.inner_text("#job-status"), int(page.inner_text("#job-pages"))
        if not seen or seen[-1] != (status, pages):
            seen.append((status, pages))
        if status != "running":
            break
        time.sleep(0.25)
    assert page.evaluate("window.__same_page") is True, "the page was reloaded"
    assert seen[0][0] == "running" and seen[-1][0] == "finished", seen
    assert len({p for _, p in seen}) >= 2, f"no progress shown while running: {seen}"
    job = console.store.crawl_jobs.find_one({"_id": job_id})
    assert job["trigger"] == "console" and job["task_id"] == TASK_ID and job["counts"]["pages"] > 0
    assert int(page.inner_text("#job-pages")) == job["counts"]["pages"]
    assert int(page.inner_text("#job-items")) == job["counts"]["items"]
    page.reload()
    coverage = page.inner_text("#coverage")
    assert re.search(r"product/title\s+100%", coverage) and re.search(r"shop/title\s+100%", coverage), coverage
    entry = console.store.db["audit_log"].find_one({"action": "task.run", "target": TASK_ID, "ok": True})
    assert entry["user"] == "runner" and entry["detail"]["job_id"] == job_id
    page.context.close()


def test_rules_page_counts_hits_and_explains_a_text(browser: Any, console: Console) -> None:
    page = sign_in(browser, console, "watcher")
    page.goto(console.url + "rules")
    assert page.locator("#packs tbody tr").count() >= 5
    busiest = next(console.store.clues.aggregate([{"$group": {"_id": "$rule.id", "n": {"$sum": 1}}},
                                                  {"$sort": {"n": -1}}, {"$limit": 1}]))  # fmt: skip
    row = page.locator(f"#rules tr[data-rule='{busiest['_id']}'] td.num").first
    assert int(row.inner_text()) == busiest["n"]
    page.fill("#explain-form textarea", "本店面霜效果全网最佳，国家级品质")
    page.click("#explain-form button[type=submit]")
    page.wait_for_selector("#explain-hits")
    assert "ad.absolute" in page.inner_text("#explain-hits")
    assert "verdicts:" in page.inner_text("#explanation")
    page.context.close()


def test_the_admin_sees_the_audit_log(browser: Any, console: Console) -> None:
    page = sign_in(browser, console, "admin1")
    page.goto(console.url + "audit")
    text = page.inner_text("#audit-log")
    assert "login" in text and "127.0.0.1" in text
    page.goto(console.url + "audit")
    page.context.close()
