"""Outgoing mail: SMTP with STARTTLS and login when configured, the log otherwise; never raises."""
import logging
from email.message import EmailMessage

import pytest

from webapp import mail


@pytest.fixture(autouse=True)
def mail_logger_enabled(monkeypatch):
    # Alembic's fileConfig (the migrations test) disables every logger that existed before it.
    monkeypatch.setattr(logging.getLogger("webapp.mail"), "disabled", False)


class FakeSMTP:
    instances: list["FakeSMTP"] = []

    def __init__(self, host, port, timeout=None, context=None):
        self.host, self.port, self.calls = host, port, []
        FakeSMTP.instances.append(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.calls.append("quit")

    def starttls(self, context=None):
        self.calls.append("starttls")

    def login(self, user, password):
        self.calls.append(("login", user, password))

    def send_message(self, message):
        self.calls.append(("send", message["To"]))


def message() -> EmailMessage:
    msg = EmailMessage()
    msg["To"], msg["Subject"] = "grace@example.com", "Hello"
    msg.set_content("https://focusroom.example/reset-password/" + "x" * 80, cte="7bit")
    return msg


def test_smtp_with_starttls_and_login(monkeypatch):
    FakeSMTP.instances.clear()
    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    settings = mail.SmtpSettings(host="smtp.example", port=587, user="u", password="p", starttls=True)
    mail.deliver(message(), settings)
    (smtp,) = FakeSMTP.instances
    assert (smtp.host, smtp.port) == ("smtp.example", 587)
    assert smtp.calls == ["starttls", ("login", "u", "p"), ("send", "grace@example.com"), "quit"]


def test_port_465_is_implicit_tls(monkeypatch):
    FakeSMTP.instances.clear()
    monkeypatch.setattr(mail.smtplib, "SMTP_SSL", FakeSMTP)
    mail.deliver(message(), mail.SmtpSettings(host="smtp.example", port=465, user="", password="", starttls=True))
    assert FakeSMTP.instances[0].calls == [("send", "grace@example.com"), "quit"]


def test_without_smtp_the_whole_mail_is_logged_with_its_link_unbroken(caplog):
    with caplog.at_level(logging.WARNING, logger="webapp.mail"):
        mail.deliver(message(), None)
    assert "https://focusroom.example/reset-password/" + "x" * 80 in caplog.text


def test_a_failing_server_is_logged_not_raised(monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no server")
    monkeypatch.setattr(mail.smtplib, "SMTP", refuse)
    with caplog.at_level(logging.ERROR, logger="webapp.mail"):
        mail.deliver(message(), mail.SmtpSettings(host="nowhere", port=25, user="", password="", starttls=False))
    assert "Could not send mail 'Hello' to grace@example.com" in caplog.text


def test_settings_come_from_the_config():
    assert mail.SmtpSettings.from_config({"SMTP_HOST": None}) is None
    settings = mail.SmtpSettings.from_config({"SMTP_HOST": "mx", "SMTP_PORT": "2525", "SMTP_STARTTLS": False})
    assert (settings.host, settings.port, settings.starttls, settings.user) == ("mx", 2525, False, "")
