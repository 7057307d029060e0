"""To be written."""


def attach(app_label: str) -> None:
    """Called once from RegisterConfig.ready()."""
