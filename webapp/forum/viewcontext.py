"""What each page draws, gathered in a fixed number of queries per page (never per row)."""
from __future__ import annotations

from flask import url_for
from flask_wtf.csrf import generate_csrf

from ..rules import forum_permissions as can
from ..rules.forum_threads import flatten
from .forms import CommentForm
from .services import comments, likes, posts


def list_context(viewer, category=None, before=None) -> dict:
    page = posts.list_posts(viewer, category=category, before=before)
    pinned = posts.pinned_posts(viewer, category) if before is None else []
    shown = pinned + page.items
    ids = [post.id for post in shown]
    more_url = None
    if page.next_cursor:
        endpoint_args = {"slug": category.slug} if category else {}
        more_url = url_for("community.category" if category else "community.index",
                           before=page.next_cursor, **endpoint_args)
    return {"category": category, "categories": posts.categories(), "pinned": pinned, "rows": page.items,
            "more_url": more_url, "like_counts": likes.like_counts("post", ids),
            "first_page": before is None, "viewer": viewer}


def post_context(viewer, post_id: int) -> dict:
    post = posts.get_post(viewer, post_id)
    nodes = comments.thread(viewer, post)
    comment_ids = [node.item.id for node in flatten(nodes)]
    return {
        "post": post, "nodes": nodes, "viewer": viewer,
        "post_likes": likes.like_counts("post", [post.id])[post.id],
        "post_liked": post.id in likes.liked_by(viewer, "post", [post.id]),
        "comment_likes": likes.like_counts("comment", comment_ids),
        "comment_liked": likes.liked_by(viewer, "comment", comment_ids),
        "can_reply": can.can_reply(viewer, post), "comment_form": CommentForm(),
        "is_moderator": can.is_moderator(viewer),
        "csrf": generate_csrf(),  # once for the page's many small forms
    }


def comment_context(viewer, node, post) -> dict:
    comment = node.item
    return {"node": node, "post": post, "viewer": viewer,
            "comment_likes": likes.like_counts("comment", [comment.id]),
            "comment_liked": likes.liked_by(viewer, "comment", [comment.id]),
            "can_reply": can.can_reply(viewer, post), "is_moderator": can.is_moderator(viewer)}
