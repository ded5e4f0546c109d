"""Replies, comment edits and deletes, likes and reports: htmx fragments, plain forms as fallback."""
from flask import flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..models import utcnow
from ..rules.forum_threads import MAX_DEPTH, Node, SHOWN
from . import bp, limits
from .forms import CommentForm, EditCommentForm, ReportForm
from .services import ForumError, comments, likes, moderation, posts
from .viewcontext import comment_context
from .viewhelpers import fail, is_htmx, put_errors, reader, safe_back

KINDS = ("post", "comment")


@bp.post("/p/<int:post_id>/comments")
@login_required
@limits.comment_limit
def add_comment(post_id: int):
    form = CommentForm()
    parent_id = int(form.parent_id.data) if (form.parent_id.data or "").isdigit() else None
    if form.validate_on_submit():
        try:
            comment = comments.add_comment(current_user, post_id, form.body.data or "", utcnow(), parent_id)
        except ForumError as error:
            if not error.fields:
                fail(error)
            put_errors(form, error)
        else:
            limits.wrote()
            if not is_htmx():
                return redirect(url_for("community.post", post_id=post_id, _anchor=f"comment-{comment.id}"))
            return _new_comment_fragment(comment, parent_id)
    if not is_htmx():
        flash(" ".join(sum(form.errors.values(), [])) or "Your reply could not be posted.", "error")
        return redirect(url_for("community.post", post_id=post_id, _anchor="reply"))
    response = make_response(render_template("forum/_comment_form.html", form=form, post_id=post_id,
                                             parent_id=parent_id), 422)
    response.headers["HX-Retarget"] = f"#reply-form-{parent_id or 'root'}"
    response.headers["HX-Reswap"] = "outerHTML"
    return response


def _new_comment_fragment(comment, parent_id):
    """The new comment drawn where the reply form sent it; the form says how deep its parent is
    drawn (display only: the thread is rebuilt from parent_id on every page load)."""
    post = posts.get_post(current_user, comment.post_id)
    depth = _parent_depth() + 1 if parent_id else 0
    node = Node(comment, SHOWN, min(depth, MAX_DEPTH - 1))
    if depth >= MAX_DEPTH:
        node.replying_to = comments.get_comment(current_user, parent_id).author_name
    return render_template("forum/_new_comment.html", parent_id=parent_id, form=CommentForm(formdata=None),
                           **comment_context(current_user, node, post))


def _parent_depth() -> int:
    raw = request.form.get("depth", "")
    return min(int(raw), MAX_DEPTH) if raw.isdigit() else 0


@bp.get("/comments/<int:comment_id>/reply")
@login_required
def reply_form(comment_id: int):
    try:
        comment = comments.get_comment(current_user, comment_id)
    except ForumError as error:
        fail(error)
    form = CommentForm(formdata=None, parent_id=comment.id)
    template = "forum/_comment_form.html" if is_htmx() else "forum/reply_page.html"
    return render_template(template, form=form, post_id=comment.post_id, parent_id=comment.id,
                           depth=request.args.get("depth", ""), comment=comment)


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
def edit_comment(comment_id: int):
    try:
        comment = comments.get_comment(current_user, comment_id)
    except ForumError as error:
        fail(error)
    form = EditCommentForm(obj=comment)
    if request.method == "POST" and form.validate_on_submit():
        try:
            comments.edit_comment(current_user, comment.id, form.body.data or "", utcnow())
        except ForumError as error:
            if not error.fields:
                fail(error)
            put_errors(form, error)
        else:
            flash("Comment updated.", "success")
            return redirect(url_for("community.post", post_id=comment.post_id, _anchor=f"comment-{comment.id}"))
    status = 422 if request.method == "POST" else 200
    return render_template("forum/edit_comment.html", form=form, comment=comment), status


@bp.post("/comments/<int:comment_id>/delete")
@login_required
def delete_comment(comment_id: int):
    try:
        comment = comments.delete_comment(current_user, comment_id, utcnow())
    except ForumError as error:
        fail(error)
    flash("Comment deleted.", "success")
    return redirect(url_for("community.post", post_id=comment.post_id, _anchor="comments"))


@bp.post("/like/<kind>/<int:item_id>")
@login_required
def like(kind: str, item_id: int):
    if kind not in KINDS:
        fail(ForumError("There is nothing like that.", status=404))
    try:
        liked, count = likes.set_like(current_user, kind, item_id, request.form.get("liked") == "1")
    except ForumError as error:
        fail(error)
    if is_htmx():
        return render_template("forum/_like.html", kind=kind, item_id=item_id, liked=liked, count=count,
                               can_like=True)
    return safe_back(url_for("community.index"))


@bp.route("/report/<kind>/<int:item_id>", methods=["GET", "POST"])
@login_required
def report(kind: str, item_id: int):
    if kind not in KINDS:
        fail(ForumError("There is nothing like that.", status=404))
    form = ReportForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            entry = moderation.report(current_user, kind, item_id, form.reason.data or "", utcnow())
        except ForumError as error:
            if not error.fields:
                fail(error)
            put_errors(form, error)
        else:
            flash("Thank you: a moderator will look at it.", "success")
            return redirect(url_for("community.post", post_id=entry.post_id))
    status = 422 if request.method == "POST" else 200
    return render_template("forum/report.html", form=form, kind=kind, item_id=item_id, viewer=reader()), status
