from bot.slack.commands import cancel_moderation


def register(app, services) -> None:
    cancel_moderation.register(app, services)
