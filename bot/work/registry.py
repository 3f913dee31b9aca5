"""What the application registers: a handler, a class and a lane for each task kind. The queue
knows no kind by name; it asks here."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from bot.work.tasks import Priority, Task

Handler = Callable[[Task], None]


class Kinds:
    def __init__(self) -> None:
        self.handlers: dict[str, Handler] = {}
        self.classes: dict[str, Priority] = {}  # unlisted kinds are background
        self.lanes: dict[str, str] = {}  # kind -> the lane it runs in
        self.retried_forever: set[str] = set()  # never given up (a delivery that must not be dropped)

    def register(
        self,
        handlers: Mapping[str, Handler],
        classes: Mapping[str, int] | None = None,
        lanes: Mapping[str, str] | None = None,
        retry_forever: Iterable[str] = (),
    ) -> None:
        self.handlers.update(handlers)
        self.classes.update({kind: Priority(cls) for kind, cls in (classes or {}).items()})
        self.lanes.update(lanes or {})
        self.retried_forever.update(retry_forever)

    def class_of(self, kind: str) -> Priority:
        return self.classes.get(kind, Priority.BACKGROUND)

    def served_by(self, lane: str) -> set[Priority]:
        """The classes of the kinds that run in `lane`."""
        return {self.class_of(kind) for kind, home in self.lanes.items() if home == lane}
