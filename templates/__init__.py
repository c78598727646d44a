"""Jinja templates: base.html, _macros/ and one folder per blueprint; installed as survey.templates."""
