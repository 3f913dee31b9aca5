"""The serving layer's units run on the work queue's fixtures: a real queue on SQLite."""

from tests.unit.work.conftest import clock, make_queue, repo, store  # noqa: F401 (fixtures)
