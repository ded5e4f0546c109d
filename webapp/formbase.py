"""The base of every HTML form: form bodies only.

Flask-WTF also fills a form from a JSON body, with `request.get_json()`, which raises on a
malformed body and breaks on any JSON that is not an object, even while an error page builds
its forms. Browsers post our forms urlencoded (htmx too), and the JSON API has its own parser,
so here a JSON body is simply no form data: the form then fails validation like an empty one.
"""
from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto


class HtmlForm(FlaskForm):
    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            if formdata is _Auto and request.is_json and not request.files and not request.form:
                return None
            return super().wrap_formdata(form, formdata)
