"""Mails the app wrote to the log (no SMTP_HOST), read back by tests."""
import logging
import re

MAIL_LOGGER = "webapp.mail"
LINK = re.compile(r"https?://[^\s]+/reset-password/[A-Za-z0-9_\-]+")


class Mailbox(logging.Handler):
    """Collects every mail logged by webapp.mail while attached."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.mails: list[str] = []

    def emit(self, record):
        if record.getMessage().startswith("Mail not sent"):
            self.mails.append(record.getMessage())

    def __enter__(self):
        logger = logging.getLogger(MAIL_LOGGER)
        self._level, self._disabled = logger.level, logger.disabled
        # Alembic's fileConfig (the migrations test) disables every logger that existed before it.
        logger.disabled = False
        logger.setLevel(logging.DEBUG)
        logger.addHandler(self)
        return self

    def __exit__(self, *exc):
        logger = logging.getLogger(MAIL_LOGGER)
        logger.removeHandler(self)
        logger.setLevel(self._level)
        logger.disabled = self._disabled

    def links(self) -> list[str]:
        return [match for mail in self.mails for match in LINK.findall(mail)]

    def last_link(self) -> str:
        links = self.links()
        assert links, "no reset link was mailed"
        return links[-1]
