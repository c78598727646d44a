"""The login form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from survey.services.users import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(
        _l("E-mail address"),
        validators=[
            InputRequired(_l("Enter your e-mail address.")),
            Email(_l("Enter an address like name@example.org.")),
            Length(max=254),
        ],
    )
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password.")), Length(max=200)])
    remember = BooleanField(_l("Keep me logged in on this device"))


class LogoutForm(FlaskForm):
    """An empty form, so that logging out needs a CSRF token."""


class ChangePasswordForm(FlaskForm):
    """The current password and a new one, typed twice."""

    current = PasswordField(
        _l("Current password"), validators=[InputRequired(_l("Enter your current password.")), Length(max=200)]
    )
    new = PasswordField(
        _l("New password"),
        description=_l("At least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
        validators=[
            InputRequired(_l("Enter a new password.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=_l("Choose a password of at least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
            ),
        ],
    )
    confirm = PasswordField(
        _l("New password, again"),
        validators=[InputRequired(_l("Type the new password again.")), EqualTo("new", _l("The two passwords differ."))],
    )
