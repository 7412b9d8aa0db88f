"""Runners that execute the project's steps on this machine, with no Azure account."""
