"""Subcommands of this area are added by its own issue."""


def register(subcommands) -> None:
    """Adds nothing yet."""
