from . import approve, deny


def register(app, services) -> None:
    approve.register(app, services)
    deny.register(app, services)
