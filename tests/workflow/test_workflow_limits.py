"""Free text an officer types has a sane length: a pasted document is refused, not stored."""

from __future__ import annotations

import pytest

from cli import main
from review.workflow import WorkflowError, history, set_status
from tests.workflow.scenario import World


def test_an_overlong_by_or_note_is_refused_and_nothing_changes(world: World) -> None:
    clue_id = world.clues["tea"].id
    with pytest.raises(WorkflowError, match="--by"):
        set_status(world.store, clue_id, "confirmed", "网" * 100_000)
    with pytest.raises(WorkflowError, match="--note"):
        set_status(world.store, clue_id, "confirmed", "网监科", note="x" * 100_000)
    assert history(world.store, clue_id) == []
    assert set_status(world.store, clue_id, "confirmed", "网" * 100).by == "网" * 100


def test_cli_refuses_an_overlong_by_before_touching_the_store(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    host, port = world.store.client.address
    monkeypatch.setenv("MONGO_URI", f"mongodb://{host}:{port}/")
    clue_id = world.clues["tea"].id
    argv = ["clues", "set-status", clue_id[:12], "confirmed", "--db", world.store.db.name, "--by", "网" * 100_000]
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "--by: at most 100 characters (got 100,000)" in err and len(err) < 1000
    assert history(world.store, clue_id) == []
