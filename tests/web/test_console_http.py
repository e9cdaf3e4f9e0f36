"""Console actions over plain HTTP against `wangjian serve`: an admin sets up a webhook that
the running console then feeds with a new S1 clue; an operator schedules a run."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx

from tests.web.conftest import PASSWORD, TASK_ID, Console
from tests.web.test_alerts import Receiver, s1_clue
from tests.web.test_sign_in import login


def signed_in(console: Console, user: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=console.url)
    assert login(client, user, PASSWORD).status_code == 303
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text)[1]
    return client, token


def test_a_webhook_set_up_in_the_console_receives_a_new_s1_clue(console: Console) -> None:
    receiver = Receiver()
    client, token = signed_in(console, "admin1")
    try:
        response = client.post("/alerts/hooks", data={"name": "duty", "url": receiver.url + "/hook", "format": "json",
                                                      "events": ["s1_clue"], "csrf_token": token})  # fmt: skip
        assert response.status_code == 303
        s1_clue(console.store, "e" * 64)
        deadline = time.monotonic() + 30
        while not receiver.requests and time.monotonic() < deadline:
            time.sleep(0.5)
        assert receiver.requests, "no alert delivered"
        _, body = receiver.requests[0]
        assert body["event"] == "s1_clue" and [c["id"] for c in body["clues"]] == ["e" * 64]
        page = client.get("/alerts").text
        assert "duty" in page and "delivered" in page and "/hook" in page
        assert (
            console.store.db["audit_log"].find_one({"action": "alert.hook_saved", "target": "duty"})["user"] == "admin1"
        )
    finally:
        client.close()
        receiver.close()


def test_an_operator_schedules_a_run_and_returns_to_the_frequency(console: Console) -> None:
    client, token = signed_in(console, "runner")
    try:
        shanghai = ZoneInfo("Asia/Shanghai")  # the task's time zone: the form's time is read in it
        at = (datetime.now(shanghai) + timedelta(days=2)).replace(second=0, microsecond=0)
        response = client.post(f"/tasks/{TASK_ID}/schedule", data={"at": at.strftime("%Y-%m-%dT%H:%M"),
                                                                    "csrf_token": token})  # fmt: skip
        assert response.status_code == 303
        state = console.store.db["schedule_state"].find_one({"_id": TASK_ID})
        assert state["next_run"] == at.astimezone(UTC)
        past = client.post(f"/tasks/{TASK_ID}/schedule", data={"at": "2020-01-01T09:00", "csrf_token": token})
        assert "past" in httpx.URL(past.headers["location"]).params["message"]
        back = client.post(f"/tasks/{TASK_ID}/unschedule", data={"csrf_token": token})
        assert back.status_code == 303
        assert console.store.db["schedule_state"].find_one({"_id": TASK_ID})["next_run"] != state["next_run"]
        actions = [e["action"] for e in console.store.db["audit_log"].find({"user": "runner", "target": TASK_ID})]
        assert "task.schedule" in actions and "task.unschedule" in actions
    finally:
        client.close()
