"""Forms of the achievements feature (CSRF through HtmlForm)."""
from wtforms import BooleanField

from ..formbase import HtmlForm


class FollowForm(HtmlForm):
    """Follow or unfollow: the button is the whole form."""


class VisibilityForm(HtmlForm):
    on_global_board = BooleanField("Show me on the everyone board")
    profile_private = BooleanField("Make my profile and stats private")
