"""The base of every error a user can fix; the command line prints these without a traceback."""


class ProjectError(Exception):
    """An error whose message says what is wrong and how to fix it."""
