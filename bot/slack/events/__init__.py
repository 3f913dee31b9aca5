from bot.slack.events import app_home


def register(app, services) -> None:
    app_home.register(app, services)
