from __future__ import annotations

import threading

import pytest

from cli import main
from review.workflow import TransitionConflict, WorkflowError, history, resolve_id, set_status
from tests.workflow.scenario import World


def stored(world: World, name: str) -> dict:
    return world.store.clues.find_one({"_id": world.clues[name].id})


def test_confirmed_transferred_closed_appends_each_step(world: World) -> None:
    clue_id = world.clues["drug"].id
    set_status(world.store, clue_id, "confirmed", "药品科 王强", "研判一致：构成违法")
    set_status(world.store, clue_id, "transferred", "药品科 王强", "移交遂宁市船山区市场监督管理局")
    set_status(world.store, clue_id, "closed", "监测部门 张银", "行政处罚决定书 遂船市监罚〔2025〕12号")
    entries = history(world.store, clue_id)
    assert [(e.from_, e.to) for e in entries] == [("new", "confirmed"), ("confirmed", "transferred"),
                                                 ("transferred", "closed")]  # fmt: skip
    assert entries[1].by == "药品科 王强" and entries[2].note.startswith("行政处罚决定书")
    assert entries[0].at <= entries[1].at <= entries[2].at and entries[0].at.tzinfo is not None
    doc = stored(world, "drug")
    assert doc["status"] == "closed" and doc["history"][0]["from"] == "new"


def test_disagreement_goes_through_review(world: World) -> None:
    clue_id = world.clues["abs"].id
    set_status(world.store, clue_id, "review", "广告科", "研判结果不一致")
    set_status(world.store, clue_id, "dismissed", "广告科 复核组", "复核：不构成违法，交属地归档")
    assert [e.to for e in history(world.store, clue_id)] == ["review", "dismissed"]


@pytest.mark.parametrize(
    ("path", "refused"),
    [([], "transferred"), ([], "closed"), (["review"], "transferred"), (["confirmed"], "dismissed"),
     (["dismissed"], "confirmed"), (["confirmed", "transferred", "closed"], "new")],
)  # fmt: skip
def test_transitions_outside_the_workflow_are_refused(world: World, path: list[str], refused: str) -> None:
    clue_id = world.clues["cos"].id
    for step in path:
        set_status(world.store, clue_id, step, "officer")
    before = stored(world, "cos")
    with pytest.raises(WorkflowError, match="cannot go"):
        set_status(world.store, clue_id, refused, "officer")
    assert stored(world, "cos") == before


def test_history_is_never_rewritten(world: World) -> None:
    clue_id = world.clues["cos"].id
    set_status(world.store, clue_id, "confirmed", "化妆品科", "构成违法")
    first = stored(world, "cos")["history"]
    set_status(world.store, clue_id, "transferred", "化妆品科")
    after = stored(world, "cos")["history"]
    assert after[: len(first)] == first and len(after) == 2


def test_two_officers_at_once_only_one_change_lands(world: World) -> None:
    clue_id = world.clues["terms"].id
    targets = ["confirmed", "dismissed"] * 4  # each final for the other: only one may land
    barrier = threading.Barrier(len(targets))
    outcomes: list[str] = []

    def act(to: str, n: int) -> None:
        barrier.wait()
        try:
            set_status(world.store, clue_id, to, f"officer {n}")
            outcomes.append("ok")
        except TransitionConflict:
            outcomes.append("conflict")
        except WorkflowError:
            outcomes.append("refused")  # read the status after the winner had written it

    threads = [threading.Thread(target=act, args=(to, n)) for n, to in enumerate(targets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1 and len(outcomes) == len(targets)
    doc = stored(world, "terms")
    assert len(doc["history"]) == 1 and doc["status"] == doc["history"][0]["to"]


def test_a_decision_on_a_status_that_has_moved_on_is_a_conflict(world: World) -> None:
    clue_id = world.clues["anon"].id
    set_status(world.store, clue_id, "confirmed", "officer A", expected="new")
    with pytest.raises(TransitionConflict, match="now 'confirmed'"):
        set_status(world.store, clue_id, "review", "officer B", "研判不一致", expected="new")
    assert [e.by for e in history(world.store, clue_id)] == ["officer A"]


def test_unknown_clue_status_or_officer(world: World) -> None:
    with pytest.raises(WorkflowError, match="no clue"):
        set_status(world.store, "f" * 64, "confirmed", "officer")
    with pytest.raises(WorkflowError, match="unknown status"):
        set_status(world.store, world.clues["drug"].id, "archived", "officer")  # type: ignore[arg-type]
    with pytest.raises(WorkflowError, match="--by"):
        set_status(world.store, world.clues["drug"].id, "confirmed", "  ")


def test_ids_resolve_from_a_unique_prefix(world: World) -> None:
    clue_id = world.clues["tea"].id
    assert resolve_id(world.store, clue_id[:10].upper()) == clue_id
    with pytest.raises(WorkflowError):
        resolve_id(world.store, clue_id[:5])


def test_cli_set_status(world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    host, port = world.store.client.address
    monkeypatch.setenv("MONGO_URI", f"mongodb://{host}:{port}/")
    db = ["--db", world.store.db.name]
    clue_id = world.clues["tea"].id
    argv = ["clues", "set-status", clue_id[:12], "confirmed", "--by", "网监科 但伟", "--note", "未公示营业执照", *db]
    assert main(argv) == 0
    assert "new → confirmed" in capsys.readouterr().out
    assert main(["clues", "set-status", clue_id[:12], "confirmed", "--by", "网监科", *db]) == 2
    assert "cannot go to 'confirmed'" in capsys.readouterr().err
    assert main(["clues", "set-status", clue_id[:12], "transferred", "--by", "网监科", "--expect", "new", *db]) == 2
    assert "now 'confirmed'" in capsys.readouterr().err
    assert [e.to for e in history(world.store, clue_id)] == ["confirmed"]
