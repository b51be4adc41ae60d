"""Agents: login with argon2id hashes, roles, password changes, enabling and disabling accounts."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice.db import Database
from backoffice.errors import AuthenticationFailed, InvalidInput, NotFound
from backoffice.models.staff import Agent, Role
from backoffice.workflows import audit
from backoffice.workflows.context import SYSTEM_ACTOR, Actor, now, settings_of
from backoffice.workflows.permissions import Permission, require

MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()  # argon2id with the library's current defaults

BAD_CREDENTIALS = "Identifiant ou mot de passe incorrect."


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def validate_new_password(password: str, username: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères.", "password"
        )
    if username.lower() in password.lower():
        raise InvalidInput("Le mot de passe ne doit pas contenir l'identifiant.", "password")


def actor_of(agent: Agent) -> Actor:
    return Actor(agent_id=agent.id, username=agent.username, full_name=agent.full_name, role=agent.role)


@dataclass(frozen=True)
class AgentInfo:
    id: int
    username: str
    full_name: str
    role: Role
    active: bool
    locked: bool
    last_login_at: datetime | None


def _info(agent: Agent) -> AgentInfo:
    return AgentInfo(
        agent.id,
        agent.username,
        agent.full_name,
        agent.role,
        agent.active,
        agent.locked_at is not None,
        agent.last_login_at,
    )


def _create(session: Session, username: str, full_name: str, role: Role, password: str) -> Agent:
    username = username.strip().lower()
    if not username or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
        raise InvalidInput(
            "L'identifiant ne peut contenir que des lettres, chiffres, points et tirets.", "username"
        )
    if not full_name.strip():
        raise InvalidInput("Le nom complet est obligatoire.", "full_name")
    validate_new_password(password, username)
    if session.execute(select(Agent.id).where(Agent.username == username)).first():
        raise InvalidInput(f"L'identifiant « {username} » existe déjà.", "username")
    moment = now(session)
    agent = Agent(
        username=username,
        full_name=full_name.strip(),
        role=role,
        password_hash=hash_password(password),
        active=True,
        failed_logins=0,
        created_at=moment,
        password_changed_at=moment,
    )
    session.add(agent)
    session.flush()
    return agent


def add_agent(
    session: Session, actor: Actor, username: str, full_name: str, role: Role, password: str
) -> AgentInfo:
    require(session, actor, Permission.AGENT_MANAGE)
    agent = _create(session, username, full_name, role, password)
    audit.record(
        session,
        actor,
        "agent.add",
        f"Création de l'agent {agent.username} ({role.label})",
        target_type="agent",
        target_id=agent.id,
    )
    return _info(agent)


def bootstrap_agent(session: Session, username: str, full_name: str, role: Role, password: str) -> AgentInfo:
    """Create an agent from the administration command line (the person at the server console is trusted)."""
    agent = _create(session, username, full_name, role, password)
    audit.record(
        session,
        SYSTEM_ACTOR,
        "agent.add",
        f"Création de l'agent {agent.username} ({role.label}) en console",
        target_type="agent",
        target_id=agent.id,
    )
    return _info(agent)


@dataclass(frozen=True)
class LoginOutcome:
    actor: Actor | None
    error: str | None = None


def authenticate(session: Session, username: str, password: str) -> LoginOutcome:
    """Check a login. A failure is returned, not raised, so that the failed-attempt counter is committed.

    Unknown agent and wrong password get the same message, so logins cannot be guessed.
    """
    cleaned = (username or "").strip().lower()
    if not cleaned or not password:
        return LoginOutcome(None, "Saisissez votre identifiant et votre mot de passe.")
    agent = session.execute(select(Agent).where(Agent.username == cleaned)).scalar_one_or_none()
    if agent is None:
        return LoginOutcome(None, BAD_CREDENTIALS)
    if not agent.active:
        return LoginOutcome(None, "Ce compte d'agent est désactivé. Contactez un administrateur.")
    if agent.locked_at is not None:
        return LoginOutcome(
            None,
            "Ce compte d'agent est verrouillé après trop d'échecs de connexion. Un administrateur doit le "
            "déverrouiller.",
        )
    wait = throttle_seconds(session, agent)
    if wait > 0:
        return LoginOutcome(
            None, f"Trop de tentatives échouées : réessayez dans {wait} seconde{'s' if wait > 1 else ''}."
        )
    try:
        _hasher.verify(agent.password_hash, password)
    except (VerificationError, InvalidHashError):
        moment = now(session)
        agent.failed_logins += 1
        agent.last_failed_login_at = moment
        limit = settings_of(session).session.login_max_failures
        if agent.failed_logins >= limit:
            agent.locked_at = moment
            audit.record(
                session,
                actor_of(agent),
                "agent.locked",
                f"Verrouillage après {agent.failed_logins} échecs",
                target_type="agent",
                target_id=agent.id,
                outcome="refused",
            )
        return LoginOutcome(None, BAD_CREDENTIALS)
    if _hasher.check_needs_rehash(agent.password_hash):
        agent.password_hash = hash_password(password)
    agent.failed_logins = 0
    agent.last_login_at = now(session)
    audit.record(
        session, actor_of(agent), "agent.login", "Connexion", target_type="agent", target_id=agent.id
    )
    return LoginOutcome(actor_of(agent))


def throttle_seconds(session: Session, agent: Agent) -> int:
    """Growing delay after failed attempts (1 s, 2 s, 4 s… capped at 60 s), so guessing is slow."""
    if agent.failed_logins <= 0 or agent.last_failed_login_at is None:
        return 0
    base = settings_of(session).session.login_delay_base_seconds
    delay = min(60.0, base * 2 ** (agent.failed_logins - 1))
    remaining = (agent.last_failed_login_at - now(session)).total_seconds() + delay
    return max(0, math.ceil(remaining))


def reauthenticate(db: Database, actor: Actor, password: str) -> Actor:
    """Unlock an idle-locked session: same checks as a login, for the same agent only."""
    result = login(db, actor.username, password)
    if result.agent_id != actor.agent_id:  # pragma: no cover - username is unique
        raise AuthenticationFailed(BAD_CREDENTIALS)
    return result


def login(db: Database, username: str, password: str) -> Actor:
    """Authenticate in its own transaction (the failure counter is kept), then raise on failure."""
    with db.write() as session:
        outcome = authenticate(session, username, password)
    if outcome.actor is None:
        raise AuthenticationFailed(outcome.error or BAD_CREDENTIALS)
    return outcome.actor


def change_password(session: Session, actor: Actor, current_password: str, new_password: str) -> None:
    agent = session.get(Agent, actor.agent_id)
    if agent is None or not agent.active:
        raise AuthenticationFailed("Votre compte d'agent est introuvable ou désactivé.")
    try:
        _hasher.verify(agent.password_hash, current_password)
    except (VerificationError, InvalidHashError):
        raise AuthenticationFailed("Le mot de passe actuel est incorrect.") from None
    validate_new_password(new_password, agent.username)
    if new_password == current_password:
        raise InvalidInput("Le nouveau mot de passe doit être différent de l'actuel.", "password")
    agent.password_hash = hash_password(new_password)
    agent.password_changed_at = now(session)
    audit.record(
        session,
        actor,
        "agent.password",
        "Changement de mot de passe",
        target_type="agent",
        target_id=agent.id,
    )


def _managed(session: Session, actor: Actor, username: str) -> Agent:
    require(session, actor, Permission.AGENT_MANAGE, target_type="agent", target_id=username)
    agent = session.execute(
        select(Agent).where(Agent.username == username.strip().lower())
    ).scalar_one_or_none()
    if agent is None:
        raise NotFound(f"Agent inconnu : « {username} ».")
    return agent


def set_active(session: Session, actor: Actor | None, username: str, active: bool) -> AgentInfo:
    agent = (
        _managed(session, actor, username)
        if actor
        else session.execute(
            select(Agent).where(Agent.username == username.strip().lower())
        ).scalar_one_or_none()
    )
    if agent is None:
        raise NotFound(f"Agent inconnu : « {username} ».")
    if actor and agent.id == actor.agent_id and not active:
        raise InvalidInput("Vous ne pouvez pas désactiver votre propre compte.")
    agent.active = active
    verb = "Réactivation" if active else "Désactivation"
    audit.record(
        session,
        actor,
        "agent.enable" if active else "agent.disable",
        f"{verb} de l'agent {agent.username}",
        target_type="agent",
        target_id=agent.id,
    )
    return _info(agent)


def unlock_agent(session: Session, actor: Actor | None, username: str) -> AgentInfo:
    agent = (
        _managed(session, actor, username)
        if actor
        else session.execute(
            select(Agent).where(Agent.username == username.strip().lower())
        ).scalar_one_or_none()
    )
    if agent is None:
        raise NotFound(f"Agent inconnu : « {username} ».")
    agent.locked_at = None
    agent.failed_logins = 0
    audit.record(
        session,
        actor,
        "agent.unlock",
        f"Déverrouillage de l'agent {agent.username}",
        target_type="agent",
        target_id=agent.id,
    )
    return _info(agent)


def reset_password(session: Session, actor: Actor | None, username: str, new_password: str) -> AgentInfo:
    agent = (
        _managed(session, actor, username)
        if actor
        else session.execute(
            select(Agent).where(Agent.username == username.strip().lower())
        ).scalar_one_or_none()
    )
    if agent is None:
        raise NotFound(f"Agent inconnu : « {username} ».")
    validate_new_password(new_password, agent.username)
    agent.password_hash = hash_password(new_password)
    agent.password_changed_at = now(session)
    audit.record(
        session,
        actor,
        "agent.password_reset",
        f"Réinitialisation du mot de passe de {agent.username}",
        target_type="agent",
        target_id=agent.id,
    )
    return _info(agent)


def list_agents(session: Session) -> list[AgentInfo]:
    return [_info(a) for a in session.execute(select(Agent).order_by(Agent.username)).scalars()]


def count_agents(session: Session) -> int:
    return int(session.execute(select(func.count(Agent.id))).scalar_one())
