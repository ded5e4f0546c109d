"""Community pages: lists, a post and its thread, writing and editing posts, search, people."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..models import utcnow
from . import bp, limits
from .forms import EditPostForm, PostForm
from .markdown import render_markdown
from .services import ForumError, NotFound, comments, likes, posts, search
from .services.pages import parse_cursor
from .viewcontext import list_context, post_context
from .viewhelpers import fail, int_arg, is_htmx, put_errors, reader


@bp.get("/")
def index():
    return _listing(None)


@bp.get("/c/<slug>")
def category(slug: str):
    try:
        return _listing(posts.find_category(slug))
    except NotFound as error:
        fail(error)


def _listing(category):
    try:
        before = parse_cursor(request.args.get("before"))
    except ForumError as error:
        fail(ForumError(error.message, status=400))
    context = list_context(reader(), category, before)
    if is_htmx() and before is not None:
        return render_template("forum/_post_rows.html", **context)
    return render_template("forum/index.html", **context)


@bp.get("/p/<int:post_id>")
def post(post_id: int):
    try:
        return render_template("forum/post.html", **post_context(reader(), post_id))
    except ForumError as error:
        fail(error)


@bp.route("/new", methods=["GET", "POST"])
@login_required
@limits.post_limit
def new_post():
    form = PostForm()
    form.category.choices = [(c.slug, c.name) for c in posts.categories()]
    if request.method == "GET":
        form.category.data = request.args.get("category")
    preview = None
    if request.method == "POST" and form.validate_on_submit():
        if request.form.get("preview"):
            preview = render_markdown(form.body.data or "")
        else:
            try:
                created = posts.create_post(current_user, form.category.data, form.title.data or "",
                                            form.body.data or "", utcnow())
            except ForumError as error:
                if error.status in (403, 404) and not error.fields:
                    fail(error)
                put_errors(form, error)
            else:
                limits.wrote()
                flash("Your post is up.", "success")
                return redirect(url_for("community.post", post_id=created.id))
    status = 422 if request.method == "POST" and preview is None else 200
    return render_template("forum/write.html", form=form, preview=preview, editing=None), status


@bp.post("/preview")
@login_required
def preview():
    body = request.form.get("body", "")
    return render_template("forum/_preview.html", preview=render_markdown(body) if body.strip() else None)


@bp.route("/p/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id: int):
    try:
        post = posts.get_post(current_user, post_id)
    except ForumError as error:
        fail(error)
    form = EditPostForm(obj=post)
    preview = None
    if request.method == "POST" and form.validate_on_submit():
        if request.form.get("preview"):
            preview = render_markdown(form.body.data or "")
        else:
            try:
                posts.edit_post(current_user, post.id, utcnow(), title=form.title.data or "", body=form.body.data or "")
            except ForumError as error:
                if not error.fields:
                    fail(error)
                put_errors(form, error)
            else:
                flash("Post updated.", "success")
                return redirect(url_for("community.post", post_id=post.id))
    status = 422 if request.method == "POST" and preview is None else 200
    return render_template("forum/write.html", form=form, preview=preview, editing=post), status


@bp.post("/p/<int:post_id>/delete")
@login_required
def delete_post(post_id: int):
    try:
        posts.delete_post(current_user, post_id, utcnow())
    except ForumError as error:
        fail(error)
    flash("Post deleted.", "success")
    return redirect(url_for("community.index"))


@bp.get("/search")
def search_page():
    query = search.normalise_query(request.args.get("q"))
    category_slug, author_name = request.args.get("category") or None, request.args.get("author") or None
    page = int_arg("page") or 1
    problems, hits, category, author = {}, [], None, None
    try:
        category = posts.find_category(category_slug) if category_slug else None
    except NotFound:
        problems["category"] = "There is no such category."
    try:
        author = posts.find_author(author_name) if author_name else None
    except NotFound:
        problems["author"] = "Nobody has that username."
    if query and not problems:
        hits = search.search(query, category.id if category else None, author.id if author else None, page)
    has_next = len(hits) > search.PAGE_SIZE and page < search.MAX_PAGES
    context = dict(query=query, hits=hits[:search.PAGE_SIZE], page=page, has_next=has_next,
                   categories=posts.categories(), category_slug=category_slug, author_name=author_name,
                   problems=problems)
    if is_htmx() and request.headers.get("HX-Target") == "search-results":
        return render_template("forum/_search_results.html", **context)
    return render_template("forum/search.html", **context), 422 if problems else 200


@bp.get("/people/<username>")
def person(username: str):
    try:
        author = posts.find_author(username)
        before = parse_cursor(request.args.get("before"))
    except ForumError as error:
        fail(error if error.status == 404 else ForumError(error.message, status=400))
    post_page = posts.list_posts(reader(), author=author, include_pinned=True, before=before)
    comment_page = comments.comments_by(reader(), author) if before is None else None
    like_counts = likes.like_counts("post", [post.id for post in post_page.items])
    return render_template("forum/person.html", author=author, post_page=post_page, comment_page=comment_page,
                           first_page=before is None, like_counts=like_counts)
