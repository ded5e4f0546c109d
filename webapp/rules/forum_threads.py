"""Threads of comments: who sees what, and how deep it is drawn. Pure functions, no database.

Shapes of a removed item (deleted by its author or hidden by a moderator):
- moderators see everything, marked;
- others see a "[deleted]" / "[hidden]" placeholder when something visible hangs below it, so the
  thread keeps its shape, and nothing at all when nothing does.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_DEPTH = 4  # replies deeper than this are drawn at this level, "replying to @name"

SHOWN, PLACEHOLDER, GONE = "shown", "placeholder", "gone"


@dataclass
class Node:
    item: Any            # the comment (anything with id, parent_id, author_name, deleted_at, hidden_at)
    shape: str           # SHOWN or PLACEHOLDER (GONE nodes are dropped)
    depth: int           # 0 for a reply to the post, capped at MAX_DEPTH - 1
    replying_to: str | None = None   # set when the depth was capped: the parent's author
    removed: str | None = None       # "deleted" / "hidden" when the item is removed
    children: list["Node"] = field(default_factory=list)


def removal(item) -> str | None:
    if item.hidden_at is not None:
        return "hidden"
    if item.deleted_at is not None:
        return "deleted"
    return None


def shape_of(item, has_visible_children: bool, is_moderator: bool) -> str:
    """SHOWN, PLACEHOLDER or GONE for one post or comment."""
    if removal(item) is None or is_moderator:
        return SHOWN
    return PLACEHOLDER if has_visible_children else GONE


def build_thread(comments, is_moderator: bool = False, max_depth: int = MAX_DEPTH) -> list[Node]:
    """The visible tree of a post's comments, oldest first at every level.

    Comments whose parent is missing (not in `comments`) hang from the post.
    """
    by_parent: dict[int | None, list] = {}
    ids = {comment.id for comment in comments}
    for comment in sorted(comments, key=lambda c: (c.created_at, c.id)):
        parent = comment.parent_id if comment.parent_id in ids else None
        by_parent.setdefault(parent, []).append(comment)
    names = {comment.id: comment.author_name for comment in comments}

    def grow(parent_id, depth) -> list[Node]:
        nodes = []
        for comment in by_parent.get(parent_id, []):
            children = grow(comment.id, depth + 1)
            shape = shape_of(comment, bool(children), is_moderator)
            if shape == GONE:
                continue
            drawn = min(depth, max_depth - 1)
            replying_to = names.get(comment.parent_id) if depth >= max_depth else None
            nodes.append(Node(comment, shape, drawn, replying_to, removal(comment), children))
        return nodes

    return grow(None, 0)


def flatten(nodes: list[Node]) -> list[Node]:
    """Depth-first order, as the page draws it (indentation comes from `depth`)."""
    out: list[Node] = []
    for node in nodes:
        out.append(node)
        out.extend(flatten(node.children))
    return out

