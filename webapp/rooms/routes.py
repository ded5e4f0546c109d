"""Room pages and host controls: thin views that parse, authorize, call a service, render."""
from datetime import datetime, timezone

from markupsafe import Markup
from flask import current_app, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..accounts.forms import GuestForm
from ..accounts.sessions import start_login_session
from ..errors import abort_with, error_response
from ..extensions import db, limiter
from ..idempotency import idempotent
from ..models import utcnow
from ..textrules import clean_text
from ..urlparams import query_int
from . import bp, people, publishing, services, views
from .forms import JoinForm, RoomEditForm, RoomForm, normalize_code

DIRECTORY_PAGE_SIZE = 12
MAX_DIRECTORY_PAGE = 10_000  # far past any real listing; keeps the OFFSET within 64 bits


def _room_or_404(code: str):
    try:
        return services.find_room(code)
    except services.RoomNotFound as error:
        abort_with(404, error.message)


def _open_room_or_404(code: str):
    """The room, if this visitor may see it: someone else's solo room is not found."""
    try:
        room = services.find_room(code)
        services.ensure_open_to(room, current_user)
    except services.RoomNotFound as error:
        abort_with(404, error.message)
    return room


def _moment_of_start(action: str):
    """The `at` of a start sent later (ISO 8601 with its offset); 422 on anything else."""
    if action != "start":
        raise services.LateStartRefused("Only a start can be sent with its moment.")
    try:
        moment = datetime.fromisoformat(request.form["at"].strip())
        if moment.utcoffset() is None:
            raise ValueError("no time zone")
        return moment.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        raise services.LateStartRefused("The moment of the start is not a time with its zone "
                                        "(ISO 8601, like 2026-12-03T06:00:00Z).") from None


def _refuse(error: services.RoomError):
    abort_with(error.status, error.message)


@bp.get("/rooms")
def directory():
    search = clean_text(request.args.get("q", ""))[:80]
    page = query_int(request.args, "page", 1, low=1, high=MAX_DIRECTORY_PAGE)
    rows = db.session.execute(services.directory_query(search)
                              .limit(DIRECTORY_PAGE_SIZE + 1).offset((page - 1) * DIRECTORY_PAGE_SIZE)).all()
    now = utcnow()
    listing = [(room, present, views.timer_view(room, now)) for room, present in rows[:DIRECTORY_PAGE_SIZE]]
    context = {"listing": listing, "search": search, "page": page,
               "has_next": len(rows) > DIRECTORY_PAGE_SIZE}
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "room-directory":
        return render_template("rooms/_directory_list.html", **context)
    return render_template("rooms/directory.html", **context)


@bp.route("/rooms/new", methods=["GET", "POST"])
@login_required
def create():
    form = RoomForm()
    if form.validate_on_submit():
        room = services.create_room(current_user, form.settings(), utcnow())
        return redirect(url_for("rooms.room", code=room.code))
    status = 422 if request.method == "POST" else 200
    return render_template("rooms/new.html", form=form), status


@bp.get("/rooms/join")
def join_code():
    """The home page's code box: a GET form, so it only looks up and redirects."""
    form = JoinForm(request.args)
    if "code" not in request.args:
        return render_template("rooms/join_code.html", form=form)
    status = 422
    if form.validate():
        code = normalize_code(form.code.data)
        try:
            services.ensure_open_to(services.find_room(code), current_user)
        except services.RoomNotFound as error:
            form.code.errors.append(error.message)
            status = 404
        else:
            return redirect(url_for("rooms.room", code=code))
    return render_template("rooms/join_code.html", form=form), status


@bp.get("/r/<code>")
def room(code: str):
    if code != normalize_code(code):
        return redirect(url_for("rooms.room", code=normalize_code(code)))
    room = _open_room_or_404(code)
    me = services.participant_of(room, current_user)
    if me is None:
        return _join_page(room)
    return _room_page(room, me)


def _room_page(room, me, edit_form: RoomEditForm | None = None, status: int = 200):
    now = utcnow()
    is_host = room.host_id == current_user.id
    if is_host and edit_form is None:
        edit_form = RoomEditForm(obj=room, formdata=None)
    return render_template("rooms/room.html", room=room, me=me, timer=views.timer_view(room, now),
                           is_host=is_host, edit_form=edit_form, edit_open=status != 200,
                           participants=Markup(people.section_html(room, now))), status


def _join_page(room, guest_form: GuestForm | None = None, message: str | None = None, status: int = 200):
    """One step in: a signed-in person clicks Join; a visitor types a name on this same page."""
    now = utcnow()
    full = services.seats_taken(room, now) >= room.max_participants or message is not None
    if guest_form is None and not current_user.is_authenticated:
        guest_form = GuestForm(formdata=None)
    return render_template("rooms/join.html", room=room, full=full, message=message, guest_form=guest_form,
                           host_name=room.host.name if room.host else None,
                           **people.context(room, now, limit=5)), status


def _anonymous_join_limit() -> str:
    return current_app.config["SIGNUP_RATE_LIMIT"]


@bp.post("/r/<code>/join")
@limiter.limit(_anonymous_join_limit, exempt_when=lambda: current_user.is_authenticated)
def join(code: str):
    room = _open_room_or_404(code)
    try:
        if current_user.is_authenticated:
            services.join(room, current_user, utcnow())
        else:
            form = GuestForm()
            if not form.validate_on_submit():
                if form.csrf_token.errors:
                    abort_with(400, "The form expired. Reload the page and try again.")
                return _join_page(room, guest_form=form, status=422)
            guest = services.join_new_guest(room, form.display_name.data, form.timezone.data, utcnow())
            # A guest's identity lives in the signed remember-me cookie, so it survives closing the tab.
            start_login_session(guest, remember=True)
    except services.RoomFull as error:
        return _join_page(room, message=error.message, status=error.status)
    return redirect(url_for("rooms.room", code=room.code))


@bp.get("/r/<code>/leave")
@login_required
def confirm_leave(code: str):
    """Asks first (a GET changes nothing); a host reads who takes over."""
    room = _room_or_404(code)
    me = services.participant_of(room, current_user)
    if me is None or me.left_at is not None:
        return redirect(url_for("rooms.room", code=room.code))
    is_host = room.host_id == current_user.id
    return render_template("rooms/leave.html", room=room, is_host=is_host,
                           successor=services.successor_name(room, current_user.id) if is_host else None)


@bp.post("/r/<code>/leave")
@login_required
def leave(code: str):
    room = _room_or_404(code)
    # A host leaving a shared room confirms first (and reads who takes over); a room of one need not.
    if room.host_id == current_user.id and not room.is_solo and request.form.get("confirmed") != "yes":
        return redirect(url_for("rooms.confirm_leave", code=room.code), 303)
    services.leave(room, current_user, utcnow())
    home = url_for("today.page") if "today.page" in current_app.view_functions else url_for("rooms.directory")
    response = make_response(redirect(home))
    response.headers["HX-Redirect"] = home
    return response


@bp.post("/r/<code>/edit")
@login_required
def edit(code: str):
    room = _open_room_or_404(code)
    me = services.participant_of(room, current_user)
    if me is None or room.host_id != current_user.id:
        abort_with(403, "Only the host can change the room.")
    form = RoomEditForm()
    if not form.validate_on_submit():
        return _room_page(room, me, edit_form=form, status=422)
    try:
        services.edit(room, current_user, form.settings(), utcnow())
    except services.RoomError as error:
        _refuse(error)
    return redirect(url_for("rooms.room", code=room.code))


@bp.post("/r/<code>/control/<action>")
@login_required
@idempotent
def control(code: str, action: str):
    room = _room_or_404(code)
    now = utcnow()
    try:
        if "at" in request.form:  # a solo page's outbox: the start it made without a network
            services.start_solo_phase_at(room, current_user, _moment_of_start(action), now)
        else:
            services.control(room, current_user, action, now)
    except services.LateStartRefused as error:
        return error_response(error.status, error.message)
    except services.RoomError as error:
        _refuse(error)
    if request.form.get("then") == "room":  # a plain form (the results page's "Go again") lands in the room
        return redirect(url_for("rooms.room", code=room.code))
    # The socket tells everyone; this answer updates the host's own screen at once too.
    return publishing.timer_html(room, now) + publishing.controls_html(room, current_user.id)


@bp.post("/r/<code>/me/<choice>")
@login_required
def pause_me(code: str, choice: str):
    if choice not in ("pause", "resume"):
        abort_with(404, "There is no such action.")
    room = _room_or_404(code)
    try:
        me = services.set_personal_pause(room, current_user, choice == "pause", utcnow())
    except services.RoomError as error:
        _refuse(error)
    return publishing.me_html(room, me)
