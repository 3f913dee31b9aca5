from bot.slack.actions import approve, deny, refresh, retry, withdraw


def register(app, services) -> None:
    approve.register(app, services)
    deny.register(app, services)
    withdraw.register(app, services)
    retry.register(app, services)
    refresh.register(app, services)
