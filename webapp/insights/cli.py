"""`flask insights seed-demo <username>`: fill an account with believable sessions for demos."""
import click
from flask import Blueprint
from sqlalchemy import select

from ..extensions import db
from ..models import User
from .sample import seed_history

commands = Blueprint("insights_cli", __name__, cli_group="insights")


@commands.cli.command("seed-demo")
@click.argument("username")
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 3660),
              help="How many days back to fill (today included).")
@click.option("--seed", default=7, show_default=True, help="Random seed (same seed, same history).")
def seed_demo(username: str, days: int, seed: int) -> None:
    """Add sessions and interruptions to USERNAME's log for the last DAYS days (their zone).

    Only finished sessions that end by now and overlap nothing already in the log are added.
    """
    user = db.session.execute(select(User).where(User.username == username.strip().lower())).scalar_one_or_none()
    if user is None:
        raise click.ClickException(f"No account named {username!r}.")
    written = seed_history(user, days, seed=seed)
    if not written:
        click.echo(f"The demo data is already in {user.username}'s log: nothing added (every slot of the last "
                   f"{days} days overlaps a session there). Try another --seed to add more.")
        return
    click.echo(f"Added {written} sessions to {user.username}'s log ({user.timezone}).")
