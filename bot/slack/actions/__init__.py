from bot.slack.actions import approve, cancel_stream, deny, dismiss, refresh, refresh_status, retry, withdraw


def register(app, services) -> None:
    approve.register(app, services)
    deny.register(app, services)
    withdraw.register(app, services)
    retry.register(app, services)
    refresh.register(app, services)
    refresh_status.register(app, services)
    cancel_stream.register(app, services)
    dismiss.register(app, services)
