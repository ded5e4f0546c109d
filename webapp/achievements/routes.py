"""/achievements, /leaderboard, follow buttons on profiles, and who appears where."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..models import utcnow
from . import boards, bp, follows, services
from .forms import FollowForm, VisibilityForm


def _is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


@bp.get("/achievements")
@login_required
def page():
    return render_template("achievements/page.html", overview=services.overview(current_user, utcnow()))


@bp.get("/leaderboard")
@login_required
def leaderboard():
    try:
        scope, period = boards.parse(request.args.get("scope"), request.args.get("period"))
        board = boards.board(current_user, scope, period, utcnow())
    except boards.BoardError as error:
        if error.status == 404:
            abort(404)
        flash(error.message, "error")
        return redirect(url_for("achievements.leaderboard"))
    if _is_htmx() and request.headers.get("HX-Target") == "board":
        return render_template("achievements/_board.html", board=board)
    form = VisibilityForm(formdata=None, obj=current_user)
    return render_template("achievements/leaderboard.html", board=board, visibility_form=form,
                           rooms=boards.recent_rooms(current_user))


@bp.post("/leaderboard/visibility")
@login_required
def visibility():
    if current_user.is_guest:
        abort(403)
    form = VisibilityForm()
    if not form.validate_on_submit():
        abort(400)
    services.set_visibility(current_user, on_global_board=form.on_global_board.data,
                            profile_private=form.profile_private.data)
    flash("Saved: " + ("you appear on the everyone board" if current_user.on_global_board and not
                       current_user.profile_private else "you do not appear on the everyone board")
          + ("; your profile is private." if current_user.profile_private else "."), "success")
    return redirect(url_for("achievements.leaderboard", scope=request.args.get("scope", "global")))


@bp.post("/u/<username>/follow")
@login_required
def follow(username: str):
    return _follow_change(username, follows.follow, "You follow {name} now.")


@bp.post("/u/<username>/unfollow")
@login_required
def unfollow(username: str):
    return _follow_change(username, follows.unfollow, "You no longer follow {name}.")


def _follow_change(username: str, change, message: str):
    if not FollowForm().validate_on_submit():
        abort(400)
    try:
        person = change(current_user, username)
    except follows.FollowError as error:
        abort(error.status)
    if _is_htmx():
        return render_template("achievements/_follow.html", user=person, follow_form=FollowForm(),
                               viewer_follows=follows.is_following(current_user.id, person.id),
                               follows_viewer=follows.is_following(person.id, current_user.id))
    flash(message.format(name=person.name), "success")
    return redirect(url_for("accounts.profile", username=person.username))
