"""Moderator pages: pin, lock, hide and restore; the reports queue; categories."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..models import Comment, Post, utcnow
from ..extensions import db
from . import bp
from .forms import CategoryForm, ResolveForm
from .services import ForumError, moderation, posts
from .viewhelpers import fail, put_errors, safe_back

FLAG_WORDS = {"pin": ("pinned", True, "Pinned to the top."), "unpin": ("pinned", False, "Unpinned."),
              "lock": ("locked", True, "Locked: no new replies."), "unlock": ("locked", False, "Unlocked.")}


@bp.post("/p/<int:post_id>/<any(pin, unpin, lock, unlock):action>")
@login_required
def flag_post(post_id: int, action: str):
    flag, value, done = FLAG_WORDS[action]
    try:
        moderation.set_post_flag(current_user, post_id, flag, value)
    except ForumError as error:
        fail(error)
    flash(done, "success")
    return redirect(url_for("community.post", post_id=post_id))


@bp.post("/moderate/<any(post, comment):kind>/<int:item_id>/<any(hide, restore):action>")
@login_required
def hide_or_restore(kind: str, item_id: int, action: str):
    try:
        item = moderation.set_hidden(current_user, kind, item_id, action == "hide", utcnow())
    except ForumError as error:
        fail(error)
    flash(f"{kind.title()} {'hidden' if action == 'hide' else 'restored'}.", "success")
    post_id = item.id if kind == "post" else item.post_id
    return safe_back(url_for("community.post", post_id=post_id))


@bp.get("/moderation/reports")
@login_required
def reports():
    try:
        queue = moderation.open_reports(current_user)
    except ForumError as error:
        fail(error)
    post_ids = {entry.post_id for entry in queue}
    comment_ids = {entry.comment_id for entry in queue if entry.comment_id}
    found_posts = {p.id: p for p in db.session.query(Post).filter(Post.id.in_(post_ids))} if post_ids else {}
    found_comments = ({c.id: c for c in db.session.query(Comment).filter(Comment.id.in_(comment_ids))}
                      if comment_ids else {})
    return render_template("forum/reports.html", queue=queue, posts=found_posts, comments=found_comments,
                           form=ResolveForm())


@bp.post("/moderation/reports/<int:report_id>/resolve")
@login_required
def resolve(report_id: int):
    form = ResolveForm()
    if not form.validate_on_submit():
        fail(ForumError("Your form expired; reload and try again.", status=400))
    try:
        moderation.resolve_report(current_user, report_id, form.resolution.data or "", utcnow())
    except ForumError as error:
        fail(error)
    flash("Report resolved.", "success")
    return redirect(url_for("community.reports"))


@bp.route("/moderation/categories", methods=["GET", "POST"])
@login_required
def manage_categories():
    if not current_user.is_moderator:
        fail(ForumError("Only moderators can do that.", status=403))
    form = CategoryForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            moderation.add_category(current_user, form.name.data or "")
        except ForumError as error:
            put_errors(form, error)
        else:
            flash("Category added.", "success")
            return redirect(url_for("community.manage_categories"))
    status = 422 if request.method == "POST" else 200
    return render_template("forum/categories.html", form=form, categories=posts.categories(),
                           rename_errors={}), status


@bp.post("/moderation/categories/<int:category_id>")
@login_required
def change_category(category_id: int):
    form = CategoryForm()
    if not form.validate_on_submit():
        fail(ForumError("Your form expired; reload and try again.", status=400))
    try:
        if request.form.get("move") in ("up", "down"):
            moderation.move_category(current_user, category_id, -1 if request.form["move"] == "up" else 1)
        else:
            moderation.rename_category(current_user, category_id, form.name.data or "")
    except ForumError as error:
        if not error.fields:
            fail(error)
        return render_template("forum/categories.html", form=CategoryForm(formdata=None),
                               categories=posts.categories(),
                               rename_errors={category_id: error.message}), 422
    flash("Categories updated.", "success")
    return redirect(url_for("community.manage_categories"))
