"""API tokens in the settings page: list, create (the raw token is shown once), revoke."""
from __future__ import annotations

from flask import Flask, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from . import bp, services
from .forms import ConfirmForm, TokenForm
from .services.tokens import revoke_all_tokens
from .viewhelpers import is_htmx, put_errors


def init_settings(app: Flask) -> None:
    """The settings page (accounts) includes _partials/settings_extra.html; give it the tokens."""
    @app.context_processor
    def _api_tokens():
        if request.endpoint != "accounts.settings" or not current_user.is_authenticated or current_user.is_guest:
            return {}
        return {"api_tokens": services.active_tokens(current_user), "token_form": TokenForm(prefix="token")}


@bp.post("/settings/tokens")
@login_required
def create_token():
    if current_user.is_guest:
        abort(403)
    form = TokenForm(prefix="token")
    raw = None
    if form.validate_on_submit():
        try:
            _token, raw = services.create_token(current_user, form.name.data)
        except services.LogError as error:
            put_errors(form, error)
    context = {"api_tokens": services.active_tokens(current_user), "token_form": form, "new_token": raw}
    if is_htmx():
        return render_template("focus/_tokens_card.html", **context)
    # Without htmx the raw token gets a page of its own rather than a flash (the session cookie is
    # signed, not encrypted, so the token must not travel in it).
    return render_template("focus/tokens.html", **context), 201 if raw else 422


@bp.post("/settings/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        token = services.revoke_token(current_user, token_id)
    except services.NotFound:
        abort(404)
    if is_htmx():
        return render_template("focus/_tokens_card.html", api_tokens=services.active_tokens(current_user),
                               token_form=TokenForm(prefix="token"), new_token=None)
    flash(f"Token “{token.name}” revoked.", "success")
    return redirect(url_for("accounts.settings"))


@bp.route("/settings/tokens/revoke-all", methods=["GET", "POST"])
@login_required
def revoke_all_tokens_view():
    """A confirmation page (GET), then one POST that ends every token at once."""
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        revoked = revoke_all_tokens(current_user)
        flash(f"Revoked {revoked} API token{'s' if revoked != 1 else ''}. "
              "Scripts using them must get a new one.", "success")
        return redirect(url_for("accounts.settings"))
    return render_template("focus/confirm_revoke_tokens.html", form=form,
                           count=len(services.active_tokens(current_user)))
