"""``backoffice-admin db …``: migrate, show status, store the PostgreSQL password in the system keyring."""

from __future__ import annotations

import argparse

from sqlalchemy import make_url

from backoffice import migrations
from backoffice.cli.common import read_password
from backoffice.config import load_settings
from backoffice.db import Database, keyring_username
from backoffice.errors import DatabaseUnavailable, InvalidInput


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    db = subparsers.add_parser("db", help="base de données").add_subparsers(dest="db_command", required=True)
    upgrade = db.add_parser("upgrade", help="mettre le schéma à jour (sauvegarde SQLite préalable)")
    upgrade.set_defaults(handler=_upgrade)
    status = db.add_parser("status", help="révision du schéma")
    status.set_defaults(handler=_status)
    password = db.add_parser("set-password", help="enregistrer le mot de passe PostgreSQL dans le trousseau")
    password.set_defaults(handler=_set_password)


def _upgrade(args: argparse.Namespace) -> int:
    settings = load_settings()
    db = Database(args.database_url or settings.database_url(), settings)
    db.check_connection()
    saved = migrations.upgrade(db)
    if saved:
        print(f"Sauvegarde avant migration : {saved}")
    print(f"Schéma à jour (révision {migrations.head_revision()}).")
    return 0


def _status(args: argparse.Namespace) -> int:
    settings = load_settings()
    db = Database(args.database_url or settings.database_url(), settings)
    status = migrations.schema_status(db)
    print(f"Base : {db.url.render_as_string(hide_password=True)}")
    print(f"Révision actuelle : {status.current or 'aucune'} ; révision de l'application : {status.head}")
    if status.too_new:
        print("La base a été mise à jour par une version plus récente de l'application.")
        return 1
    print("À jour." if status.up_to_date else "Mise à jour nécessaire : backoffice-admin db upgrade")
    return 0 if status.up_to_date else 1


def _set_password(args: argparse.Namespace) -> int:
    settings = load_settings()
    url = make_url(args.database_url or settings.database_url())
    if url.get_backend_name() != "postgresql":
        raise InvalidInput("Le mot de passe ne concerne qu'une base PostgreSQL (configurez d'abord son URL).")
    if url.password is not None:
        raise InvalidInput(
            "Retirez le mot de passe de l'URL : il doit être conservé dans le trousseau seulement."
        )
    password = read_password(
        f"Mot de passe PostgreSQL de {url.username}@{url.host} : ", "BACKOFFICE_DB_PASSWORD"
    )
    try:
        import keyring
        from keyring.errors import KeyringError

        keyring.set_password(settings.database.keyring_service, keyring_username(url), password)
    except (KeyringError, RuntimeError) as exc:
        raise DatabaseUnavailable(
            f"Aucun trousseau système utilisable pour enregistrer le mot de passe ({exc}). Installez ou "
            "déverrouillez le trousseau de la session (Windows : Gestionnaire d'identification ; Linux : "
            "Secret Service)."
        ) from exc
    print("Mot de passe enregistré dans le trousseau du système.")
    return 0
