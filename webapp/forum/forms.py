"""Forum forms (Flask-WTF, CSRF). Length rules live in the services; the forms only clean input
through the one `clean` hook and carry the fields, so pages and API share every message."""
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from .services.moderation import CATEGORY_NAME_MAX, REASON_MAX
from .services.posts import BODY_MAX, TITLE_MAX
from .text import clean, clean_line


def _strip(value):
    return clean_line(value) if isinstance(value, str) else value


def _clean_body(value):
    return clean(value) if isinstance(value, str) else value


class PostForm(FlaskForm):
    category = SelectField("Category", choices=[], validate_choice=False)  # the service names a bad one
    title = StringField("Title", filters=[_strip], render_kw={"maxlength": TITLE_MAX, "autocomplete": "off"})
    body = TextAreaField("Post", filters=[_clean_body],
                         render_kw={"rows": 10, "maxlength": BODY_MAX,
                                    "placeholder": "Markdown works: **bold**, _italic_, [links](https://…), lists, > quotes, `code`."})


class EditPostForm(FlaskForm):
    title = StringField("Title", filters=[_strip], render_kw={"maxlength": TITLE_MAX})
    body = TextAreaField("Post", filters=[_clean_body], render_kw={"rows": 10, "maxlength": BODY_MAX})


class CommentForm(FlaskForm):
    body = TextAreaField("Your reply", filters=[_clean_body], render_kw={"rows": 3, "maxlength": BODY_MAX})
    parent_id = HiddenField(validators=[Optional()])


class EditCommentForm(FlaskForm):
    body = TextAreaField("Comment", filters=[_clean_body], render_kw={"rows": 4, "maxlength": BODY_MAX})


class ReportForm(FlaskForm):
    reason = StringField("What is wrong?", filters=[_strip],
                         render_kw={"maxlength": REASON_MAX, "placeholder": "Spam, harassment, off-topic…"})


class ResolveForm(FlaskForm):
    resolution = StringField("Note (optional)", filters=[_strip], render_kw={"maxlength": 200})


class CategoryForm(FlaskForm):
    name = StringField("Name", filters=[_strip], render_kw={"maxlength": CATEGORY_NAME_MAX})


class MoveForm(FlaskForm):
    step = IntegerField(validators=[Optional()])
