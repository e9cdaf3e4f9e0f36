"""Fixtures of the workflow, report and document tests."""

from __future__ import annotations

import pytest

from store.database import Store
from tests.workflow.scenario import World, build_world


@pytest.fixture()
def world(store: Store) -> World:
    return build_world(store)
