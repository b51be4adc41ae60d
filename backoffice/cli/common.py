"""What every command needs: settings, an opened and migrated database."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from backoffice import migrations
from backoffice.config import load_settings
from backoffice.db import Database
from backoffice.errors import InvalidInput


def open_database(args: argparse.Namespace, *, migrate: bool = True) -> Database:
    settings = load_settings()
    url = getattr(args, "database_url", None) or settings.database_url()
    db = Database(url, settings, readonly_url=settings.database.readonly_url or None)
    db.check_connection()
    if migrate:
        migrations.upgrade(db)
    else:
        migrations.ensure_current(db)
    return db


def read_password(prompt: str, env_var: str | None = None) -> str:
    """From the terminal (twice), or from an environment variable for scripted set-ups; never an argument."""
    if env_var and os.environ.get(env_var):
        return os.environ[env_var]
    if not sys.stdin.isatty():
        line = sys.stdin.readline().rstrip("\n")
        if not line:
            raise InvalidInput("Mot de passe vide.")
        return line
    first = getpass.getpass(prompt)
    second = getpass.getpass("Confirmez : ")
    if first != second:
        raise InvalidInput("Les deux saisies diffèrent.")
    return first
