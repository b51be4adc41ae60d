"""``backoffice-admin agent …``: accounts of the centre's staff."""

from __future__ import annotations

import argparse

from backoffice.cli.common import open_database, read_password
from backoffice.models.staff import Role
from backoffice.workflows import staff

ROLE_CHOICES = [r.value for r in Role]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    agent = subparsers.add_parser("agent", help="agents").add_subparsers(dest="agent_command", required=True)
    add = agent.add_parser("add", help="créer un agent (mot de passe demandé au terminal)")
    add.add_argument("username")
    add.add_argument("--name", required=True, help="nom complet")
    add.add_argument("--role", required=True, choices=ROLE_CHOICES)
    add.set_defaults(handler=_add)
    agent.add_parser("list", help="lister les agents").set_defaults(handler=_list)
    for name, handler, text in (
        ("disable", _disable, "désactiver"),
        ("enable", _enable, "réactiver"),
        ("unlock", _unlock, "déverrouiller après trop d'échecs"),
        ("reset-password", _reset, "définir un nouveau mot de passe"),
    ):
        cmd = agent.add_parser(name, help=text)
        cmd.add_argument("username")
        cmd.set_defaults(handler=handler)


def _add(args: argparse.Namespace) -> int:
    db = open_database(args)
    password = read_password(f"Mot de passe de {args.username} : ", "BACKOFFICE_AGENT_PASSWORD")
    with db.write() as session:
        info = staff.bootstrap_agent(session, args.username, args.name, Role(args.role), password)
    print(f"Agent créé : {info.username} ({info.role.label}).")
    return 0


def _list(args: argparse.Namespace) -> int:
    db = open_database(args)
    with db.read() as session:
        for a in staff.list_agents(session):
            state = "actif" if a.active else "désactivé"
            if a.locked:
                state += ", verrouillé"
            print(f"{a.username:24} {a.role.label:24} {a.full_name:30} {state}")
    return 0


def _disable(args: argparse.Namespace) -> int:
    with open_database(args).write() as session:
        staff.set_active(session, None, args.username, False)
    print(f"Agent {args.username} désactivé.")
    return 0


def _enable(args: argparse.Namespace) -> int:
    with open_database(args).write() as session:
        staff.set_active(session, None, args.username, True)
    print(f"Agent {args.username} réactivé.")
    return 0


def _unlock(args: argparse.Namespace) -> int:
    with open_database(args).write() as session:
        staff.unlock_agent(session, None, args.username)
    print(f"Agent {args.username} déverrouillé.")
    return 0


def _reset(args: argparse.Namespace) -> int:
    db = open_database(args)
    password = read_password(f"Nouveau mot de passe de {args.username} : ", "BACKOFFICE_AGENT_PASSWORD")
    with db.write() as session:
        staff.reset_password(session, None, args.username, password)
    print(f"Mot de passe de {args.username} changé.")
    return 0
