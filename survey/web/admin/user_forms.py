"""Administrator forms for accounts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length

from survey.models import Role

ROLE_CHOICES = [
    SelectChoice(Role.EVALUATOR.value, _l("Evaluator")),
    SelectChoice(Role.LEAD_EVALUATOR.value, _l("Lead evaluator")),
    SelectChoice(Role.FIELD_WORKER.value, _l("Field worker")),
    SelectChoice(Role.ADMIN.value, _l("Administrator")),
]


def role_label(role: Role) -> str:
    """The role's name in the reader's language."""
    return next(str(choice.label) for choice in ROLE_CHOICES if choice.value == role.value)


class InviteForm(FlaskForm):
    """A new account's address and role; Voces makes up its temporary password."""

    email = EmailField(
        _l("E-mail address"),
        validators=[
            InputRequired(_l("Enter the person's e-mail address.")),
            Email(_l("Enter an address like name@example.org.")),
            Length(max=254),
        ],
    )
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[InputRequired()])


class RoleForm(FlaskForm):
    """Another role for an account."""

    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[InputRequired()])
