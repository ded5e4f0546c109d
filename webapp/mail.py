"""Outgoing e-mail with the standard library: SMTP when SMTP_HOST is set, else the log.

Without SMTP_HOST (development, `make run` offline) the whole message is written to the log,
links included, so a person can follow them. Sending happens in a background thread (a greenlet
under gevent), so a slow or unreachable SMTP server never holds up the request, and the answer
takes the same time whether or not a mail went out.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str
    password: str
    starttls: bool

    @classmethod
    def from_config(cls, config) -> "SmtpSettings | None":
        if not config.get("SMTP_HOST"):
            return None
        return cls(host=config["SMTP_HOST"], port=int(config.get("SMTP_PORT") or 587),
                   user=config.get("SMTP_USER") or "", password=config.get("SMTP_PASSWORD") or "",
                   starttls=bool(config.get("SMTP_STARTTLS", True)))


def compose(*, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    sender = current_app.config["MAIL_FROM"]
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    # Never quoted-printable: it folds long lines with "=", which breaks links in the logged copy.
    message.set_content(body, cte="7bit" if body.isascii() else "8bit")
    return message


def send(message: EmailMessage) -> threading.Thread | None:
    """Send (or log) the message; in the background unless MAIL_BACKGROUND is off (tests)."""
    settings = SmtpSettings.from_config(current_app.config)
    if not current_app.config.get("MAIL_BACKGROUND", True):
        deliver(message, settings)
        return None
    worker = threading.Thread(target=deliver, args=(message, settings), daemon=True, name="mail")
    worker.start()
    return worker


def deliver(message: EmailMessage, settings: SmtpSettings | None) -> None:
    try:
        if settings is None:
            log.warning("Mail not sent (SMTP_HOST is not set); it reads:\n%s", message.as_string())
            return
        if settings.port == 465:  # implicit TLS ("SMTPS"); other ports start plain and upgrade
            connection = smtplib.SMTP_SSL(settings.host, settings.port, timeout=20,
                                          context=ssl.create_default_context())
        else:
            connection = smtplib.SMTP(settings.host, settings.port, timeout=20)
        with connection as smtp:
            if settings.starttls and settings.port != 465:
                smtp.starttls(context=ssl.create_default_context())
            if settings.user:
                smtp.login(settings.user, settings.password)
            smtp.send_message(message)
    except Exception:  # a mail that cannot go out must never break the request that asked for it
        log.exception("Could not send mail %r to %s", message["Subject"], message["To"])
