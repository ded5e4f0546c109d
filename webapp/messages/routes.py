"""Message pages: the inbox, a conversation (send, read, older), starting one, delete."""
from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..models import MESSAGE_MAX_LENGTH, User, utcnow
from ..urlparams import MAX_ID
from . import bp, conversations, cursors, limits, live, reading, services
from .errors import MessageError
from .forms import ComposeForm, ConfirmForm, ReadForm
from .viewhelpers import fail, is_htmx, require_account


@bp.get("")
@login_required
def index():
    require_account()
    try:
        before = cursors.read("inbox", request.args.get("before"))
    except ValueError:
        fail(MessageError("That page link is not valid any more; start from the first page.", 422))
    rows, more = reading.inbox(current_user.id, before)
    next_cursor = cursors.make("inbox", rows[-1].last_message_at, rows[-1].conversation_id) if more else None
    return render_template("messages/index.html", rows=rows, next_cursor=next_cursor)


def _conversation_page(member, messages, more, status=200, error=None, body=None):
    senders = {current_user.id: current_user, member.other_user_id: member.other}
    html = render_template(
        "messages/conversation.html", conversation_id=member.conversation_id, other=member.other,
        messages=messages, senders=senders, older_cursor=messages[0].id if more and messages else None,
        seen=live.seen_state(member), i_blocked=conversations.has_blocked(current_user.id, member.other_user_id),
        action=url_for("messages.send", conversation_id=member.conversation_id), max_length=MESSAGE_MAX_LENGTH,
        error=error, body=body, live_channel_query=f"?conversation={member.conversation_id}")
    return html, status


@bp.get("/c/<int:conversation_id>")
@login_required
def conversation(conversation_id: int):
    require_account()
    try:
        member = conversations.membership(current_user.id, conversation_id)
    except MessageError as error:
        fail(error)
    before = _message_id_arg("before")  # earlier pages without JavaScript
    messages, more = reading.messages_page(member, before_id=before)
    if messages and before is None:  # opening it reads it, up to the newest message shown
        services.mark_read(current_user, conversation_id, messages[-1].id, utcnow())
        member = conversations.membership(current_user.id, conversation_id)
        # The commit expired them: one query again rather than one per message while rendering.
        messages, more = reading.messages_page(member, until_id=messages[-1].id)
    return _conversation_page(member, messages, more)


def _message_id_arg(name: str) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 19 or int(raw) > MAX_ID:
        fail(MessageError("Give the id of the oldest message shown.", 422))
    return int(raw)


@bp.get("/c/<int:conversation_id>/older")
@login_required
def older(conversation_id: int):
    require_account()
    before = _message_id_arg("before")
    if before is None:
        fail(MessageError("Give the id of the oldest message shown.", 422))
    try:
        member = conversations.membership(current_user.id, conversation_id)
    except MessageError as error:
        fail(error)
    messages, more = reading.messages_page(member, before_id=before)
    return render_template("messages/older.html", messages=messages, conversation_id=conversation_id,
                           senders={current_user.id: current_user, member.other_user_id: member.other},
                           older_cursor=messages[0].id if more and messages else None, viewer=current_user)


@bp.post("/c/<int:conversation_id>")
@login_required
@limits.message_limit
def send(conversation_id: int):
    require_account()
    form = ComposeForm()
    try:
        member = conversations.membership(current_user.id, conversation_id)
    except MessageError as error:
        fail(error)
    if not form.validate_on_submit():
        fail(MessageError("Your form expired; reload the page and send again.", 400))
    try:
        message = services.send_in(current_user, conversation_id, form.body.data, utcnow())
    except MessageError as error:
        return _refused(member.other, url_for("messages.send", conversation_id=conversation_id), error,
                        form.body.data, member)
    limits.sent()
    if is_htmx():  # a fresh composer, and the message at once (the live channel brings it too)
        composer, _status = _fresh_composer(member.other, url_for("messages.send", conversation_id=conversation_id))
        return composer + live.message_html(message, current_user, current_user)
    return redirect(url_for("messages.conversation", conversation_id=conversation_id))


def _fresh_composer(other: User, action: str, error: str | None = None, body: str | None = None, status: int = 200):
    return render_template("messages/_composer.html", other=other, action=action, error=error, body=body,
                           max_length=MESSAGE_MAX_LENGTH), status


def _refused(other: User, action: str, error: MessageError, body, member=None):
    """The composer again with the reason and what was typed (nothing was sent)."""
    db.session.rollback()
    if is_htmx():
        return _fresh_composer(other, action, error.message, body, error.status)
    if member is None:
        return render_template("messages/conversation.html", conversation_id=None, other=other, messages=[],
                               senders={}, older_cursor=None, seen=False, i_blocked=False, action=action,
                               max_length=MESSAGE_MAX_LENGTH, error=error.message, body=body), error.status
    messages, more = reading.messages_page(member)
    return _conversation_page(member, messages, more, error.status, error.message, body)


@bp.post("/c/<int:conversation_id>/read")
@login_required
def read(conversation_id: int):
    require_account()
    form = ReadForm()
    up_to = form.up_to.data or ""
    if not form.validate_on_submit() or not up_to.isascii() or not up_to.isdigit() or int(up_to) > MAX_ID:
        fail(MessageError("Say which message was read (up_to).", 422))
    try:
        services.mark_read(current_user, conversation_id, int(up_to), utcnow())
    except MessageError as error:
        fail(error)
    return "", 204


@bp.get("/to/<username>")
@login_required
def start(username: str):
    """A person's "Message" button: their conversation, or an empty one to write the first message."""
    require_account()
    try:
        other = conversations.find_person(username)
        if other.id == current_user.id:
            raise MessageError("That is you: pick someone else to write to.", 422)
    except MessageError as error:
        flash(error.message, "error")
        return redirect(url_for("messages.index"))
    existing = conversations.between(current_user.id, other.id)
    if existing is not None:
        return redirect(url_for("messages.conversation", conversation_id=existing.id))
    return render_template("messages/conversation.html", conversation_id=None, other=other, messages=[], senders={},
                           older_cursor=None, seen=False, i_blocked=conversations.has_blocked(current_user.id, other.id),
                           action=url_for("messages.send_to", username=other.username),
                           max_length=MESSAGE_MAX_LENGTH, error=None, body=None)


@bp.get("/with/<int:user_id>")
@login_required
def start_with(user_id: int):
    """The "Message" link in a room's list, which knows people by id."""
    person = db.session.get(User, user_id) if user_id <= conversations.LARGEST_ID else None
    if person is None or person.is_guest or not person.username:
        fail(MessageError("There is nobody to write to there.", 404))
    return redirect(url_for("messages.start", username=person.username))


@bp.post("/to/<username>")
@login_required
@limits.message_limit
@limits.conversation_limit
def send_to(username: str):
    require_account()
    form = ComposeForm()
    if not form.validate_on_submit():
        fail(MessageError("Your form expired; reload the page and send again.", 400))
    try:
        other = conversations.find_person(username)
    except MessageError as error:
        fail(error)
    existed = conversations.between(current_user.id, other.id) is not None
    try:
        message = services.send_to(current_user, other, form.body.data, utcnow())
    except MessageError as error:
        return _refused(other, url_for("messages.send_to", username=other.username), error, form.body.data)
    limits.sent(started_conversation=not existed)
    target = url_for("messages.conversation", conversation_id=message.conversation_id)
    if is_htmx():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)


@bp.route("/m/<int:message_id>/delete", methods=["GET", "POST"])
@login_required
def delete(message_id: int):
    require_account()
    try:
        message = services.get_message_for(current_user, message_id)
        if message.sender_id != current_user.id:
            abort(404)
        if request.method == "GET":
            return render_template("messages/delete.html", message=message)
        if not ConfirmForm().validate_on_submit():
            fail(MessageError("Your form expired; reload the page and try again.", 400))
        services.delete_message(current_user, message_id, utcnow())
    except MessageError as error:
        fail(error)
    if is_htmx():  # the page shows it at once (the live channel brings the same to every tab)
        return live.message_html(message, current_user, current_user, update_only=True)
    return redirect(url_for("messages.conversation", conversation_id=message.conversation_id))
