"""Community forum API (v1): posts, comments, likes. The page rules and status codes, as JSON.

Reads work with a token, the browser session, or anonymously; writes need a Bearer token.
Lists are keyset pages: `limit` (1-100) and `cursor` in, `next` out (null on the last page).
Errors: 400 unreadable body, 422 invalid values with "fields", 401/403/404/409 as on the pages.
"""
from flask import g, jsonify, request

from ..forum import limits
from ..forum.services import ForumError, comments, likes, posts, search
from ..forum.services.pages import parse_cursor, parse_limit
from ..idempotency import idempotent
from ..models import utcnow
from . import bp
from .auth import ApiError, json_body, token_required, viewer

LIST_ARGS = ("category", "author", "q", "cursor", "limit")


def _raise(error: ForumError):
    raise ApiError(error.status, error.message, error.fields or None) from error


def _text_field(data: dict, name: str, required: bool = True) -> str | None:
    if name not in data:
        if required:
            raise ApiError(422, f"{name}: required.", {name: "Required."})
        return None
    if not isinstance(data[name], str):
        raise ApiError(422, f"{name}: must be a string.", {name: "Must be a string."})
    return data[name]


def post_json(post, like_count: int | None = None) -> dict:
    removed = post.deleted_at is not None
    return {
        "id": post.id, "category": post.category.slug, "author": post.author.username,
        "title": None if removed else post.title, "body": None if removed else post.body,
        "body_html": None if removed else post.body_html,
        "created_at": post.created_at.isoformat(), "edited_at": post.edited_at.isoformat() if post.edited_at else None,
        "last_activity_at": post.last_activity_at.isoformat(), "pinned": post.pinned, "locked": post.locked,
        "deleted": removed, "hidden": post.hidden_at is not None,
        "likes": like_count if like_count is not None else likes.like_counts("post", [post.id])[post.id],
    }


def comment_json(comment, like_count: int | None = None) -> dict:
    removed = comment.deleted_at is not None or comment.hidden_at is not None
    return {
        "id": comment.id, "post_id": comment.post_id, "parent_id": comment.parent_id,
        "author": None if removed else comment.author.username,
        "body": None if removed else comment.body, "body_html": None if removed else comment.body_html,
        "created_at": comment.created_at.isoformat(),
        "edited_at": comment.edited_at.isoformat() if comment.edited_at else None,
        "deleted": comment.deleted_at is not None, "hidden": comment.hidden_at is not None,
        "likes": like_count if like_count is not None else likes.like_counts("comment", [comment.id])[comment.id],
    }


def _query_args(allowed) -> dict:
    unknown = {name: "Unknown parameter; use " + ", ".join(allowed) + "." for name in request.args if name not in allowed}
    if unknown:
        raise ApiError(422, "Some query parameters are not valid.", unknown)
    return request.args


@bp.get("/forum/posts")
def forum_posts():
    args = _query_args(LIST_ARGS)
    try:
        limit = parse_limit(args.get("limit"))
        category = posts.find_category(args["category"]) if args.get("category") else None
        author = posts.find_author(args["author"]) if args.get("author") else None
        if args.get("q"):
            return jsonify(_search_page(args, limit, category, author))
        page = posts.list_posts(viewer(), category=category, author=author, include_pinned=True,
                                before=parse_cursor(args.get("cursor"), "cursor"), limit=limit)
    except ForumError as error:
        _raise(ForumError(error.message, error.fields, 422) if error.fields else error)
    counts = likes.like_counts("post", [post.id for post in page.items])
    return jsonify({"posts": [post_json(post, counts[post.id]) for post in page.items], "next": page.next_cursor})


def _search_page(args, limit, category, author) -> dict:
    """Search results by relevance; the cursor is the page number of this relevance order."""
    raw_cursor = args.get("cursor") or "1"
    if not raw_cursor.isdigit() or not 1 <= int(raw_cursor) <= search.MAX_PAGES:
        raise ApiError(422, "cursor: not a search cursor.", {"cursor": "Use the 'next' value of the previous page."})
    page = int(raw_cursor)
    hits = search.search(args["q"], category.id if category else None, author.id if author else None, page, limit)
    more = len(hits) > limit and page < search.MAX_PAGES
    hits = hits[:limit]
    counts = likes.like_counts("post", [hit.post.id for hit in hits])
    return {"posts": [{**post_json(hit.post, counts[hit.post.id]), "title_html": str(hit.title_html),
                       "snippet_html": str(hit.snippet_html)} for hit in hits],
            "next": str(page + 1) if more else None}


@bp.post("/forum/posts")
@token_required
@idempotent
@limits.post_limit
def forum_create_post():
    data = json_body()
    fields = {name: _text_field(data, name) for name in ("category", "title", "body")}
    try:
        post = posts.create_post(g.api_user, fields["category"], fields["title"], fields["body"], utcnow())
    except ForumError as error:
        _raise(ForumError(error.message, error.fields, 422) if error.status == 404 else error)
    limits.wrote()
    return jsonify(post_json(post, 0)), 201


@bp.get("/forum/posts/<int:post_id>")
def forum_post(post_id: int):
    try:
        return jsonify(post_json(posts.get_post(viewer(), post_id)))
    except ForumError as error:
        _raise(error)


@bp.patch("/forum/posts/<int:post_id>")
@token_required
def forum_edit_post(post_id: int):
    data = json_body()
    title, body = _text_field(data, "title", False), _text_field(data, "body", False)
    if title is None and body is None:
        raise ApiError(422, "Send a title, a body, or both.", {"title": "Send title and/or body."})
    try:
        return jsonify(post_json(posts.edit_post(g.api_user, post_id, utcnow(), title=title, body=body)))
    except ForumError as error:
        _raise(error)


@bp.delete("/forum/posts/<int:post_id>")
@token_required
def forum_delete_post(post_id: int):
    try:
        posts.delete_post(g.api_user, post_id, utcnow())
    except ForumError as error:
        _raise(error)
    return "", 204


@bp.route("/forum/<any(posts, comments):kind>/<int:item_id>/like", methods=["POST", "DELETE"])
@token_required
def forum_like(kind: str, item_id: int):
    try:
        liked, count = likes.set_like(g.api_user, kind[:-1], item_id, request.method == "POST")
    except ForumError as error:
        _raise(error)
    return jsonify({"liked": liked, "likes": count})


@bp.get("/forum/posts/<int:post_id>/comments")
def forum_comments(post_id: int):
    args = _query_args(("cursor", "limit"))
    reader = viewer()
    try:
        limit = parse_limit(args.get("limit"))
        post = posts.get_post(reader, post_id)
        page = comments.comment_list(reader, post, parse_cursor(args.get("cursor"), "cursor"), limit)
    except ForumError as error:
        _raise(ForumError(error.message, error.fields, 422) if error.fields else error)
    counts = likes.like_counts("comment", [comment.id for comment in page.items])
    return jsonify({"comments": [comment_json(c, counts[c.id]) for c in page.items], "next": page.next_cursor})


@bp.post("/forum/posts/<int:post_id>/comments")
@token_required
@idempotent
@limits.comment_limit
def forum_add_comment(post_id: int):
    data = json_body()
    body = _text_field(data, "body")
    parent_id = data.get("parent_id")
    if parent_id is not None and (not isinstance(parent_id, int) or isinstance(parent_id, bool)):
        raise ApiError(422, "parent_id: must be a comment id or null.", {"parent_id": "A comment id, or null."})
    try:
        comment = comments.add_comment(g.api_user, post_id, body, utcnow(), parent_id)
    except ForumError as error:
        _raise(error)
    limits.wrote()
    return jsonify(comment_json(comment, 0)), 201


@bp.patch("/forum/comments/<int:comment_id>")
@token_required
def forum_edit_comment(comment_id: int):
    body = _text_field(json_body(), "body")
    try:
        return jsonify(comment_json(comments.edit_comment(g.api_user, comment_id, body, utcnow())))
    except ForumError as error:
        _raise(error)


@bp.delete("/forum/comments/<int:comment_id>")
@token_required
def forum_delete_comment(comment_id: int):
    try:
        comments.delete_comment(g.api_user, comment_id, utcnow())
    except ForumError as error:
        _raise(error)
    return "", 204


