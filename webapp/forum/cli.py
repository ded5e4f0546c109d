"""`flask users set-role NAME moderator`: who may moderate the community."""
import click
from flask import Blueprint
from sqlalchemy import select

from ..extensions import db
from ..models import ROLES, User

users_cli = Blueprint("users_cli", __name__, cli_group="users")


@users_cli.cli.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(ROLES))
def set_role(username: str, role: str) -> None:
    """Give USERNAME the ROLE member, moderator or admin."""
    user = db.session.execute(select(User).where(User.username == username.strip().lower())).scalar_one_or_none()
    if user is None or user.is_guest:
        raise click.ClickException(f"No account named {username!r}.")
    previous, user.role = user.role, role
    db.session.commit()
    click.echo(f"{user.username}: {previous} -> {role}.")
