"""gunicorn's configuration, read by default from the working directory (/app in the image).

Only a production server starts gunicorn, so this is where it checks its services."""


def on_starting(server):
    from config.production import require_services

    require_services("gunicorn")
