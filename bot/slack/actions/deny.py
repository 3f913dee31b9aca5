"""The Deny button: check the clicker may decide, then ask for an optional reason."""

from __future__ import annotations

from .. import blocks as bk
from ..services import Services
from .approve import caller_of


def register(app, services: Services) -> None:
    @app.action(bk.DENY_ACTION)
    def on_deny(ack, body):
        ack()
        caller, request_id = caller_of(body), body["actions"][0].get("value", "")

        def open_form() -> None:
            _, problem = services.workflow.check_decider(caller, request_id, "deny")
            if problem:
                return services.announcer.tell(caller, problem)
            services.client.views_open(trigger_id=body["trigger_id"], view=bk.deny_form(request_id, caller))

        services.work.submit("deny_form", open_form)
