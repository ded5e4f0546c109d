"""Message forms (CSRF through HtmlForm). Rules and their messages live in the services."""
from wtforms import BooleanField, HiddenField, StringField, TextAreaField

from ..formbase import HtmlForm

REASON_MAX = 500


class ComposeForm(HtmlForm):
    body = TextAreaField("Message")


class ReadForm(HtmlForm):
    up_to = HiddenField()


class ConfirmForm(HtmlForm):
    pass


class ReportForm(HtmlForm):
    reason = TextAreaField("Reason", render_kw={"rows": 3, "maxlength": REASON_MAX})
    block = BooleanField("Also block this person")


class MessageSettingsForm(HtmlForm):
    send_read_receipts = BooleanField("Send read receipts")


class ResolveForm(HtmlForm):
    resolution = StringField("Note (optional)", render_kw={"maxlength": 200})
