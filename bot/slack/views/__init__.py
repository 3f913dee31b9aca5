from bot.slack.views import cancel_form, deny_reason


def register(app, services) -> None:
    cancel_form.register(app, services)
    deny_reason.register(app, services)
