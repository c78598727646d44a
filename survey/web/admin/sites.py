"""Administrator views for sites: list, add, edit."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Regexp

from survey.services.audit import record_event
from survey.services.sites import COUNTRY, LIMITS, SLUG, SiteFields, get_site, list_sites, save_site
from survey.web.admin import bp


class SiteForm(FlaskForm):
    """A site's name, region and country; its slug only when it is new."""

    slug = StringField(
        _l("Short name in addresses and files"),
        description=_l("Lower-case letters, digits and hyphens, e.g. san-jose. It cannot change later."),
        validators=[
            DataRequired(_l("Give the site a short name.")),
            Length(max=LIMITS["slug"]),
            Regexp(SLUG, message=_l("Use lower-case letters, digits and single hyphens, e.g. san-jose.")),
        ],
    )
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the site's name.")), Length(max=LIMITS["name"])])
    region = StringField(
        _l("Region"), validators=[DataRequired(_l("Give the site's region.")), Length(max=LIMITS["region"])]
    )
    country = StringField(
        _l("Country"),
        description=_l("The two-letter ISO 3166-1 code in capitals, e.g. CO, MX."),
        validators=[
            DataRequired(_l("Give the site's country.")),
            Regexp(COUNTRY, message=_l("Use the two-letter code in capitals, e.g. CO.")),
        ],
    )

    def fields(self) -> SiteFields:
        """What was typed, trimmed."""
        return SiteFields(*(str(self[name].data).strip() for name in ("slug", "name", "region", "country")))


@bp.route("/sites", methods=["GET", "POST"])
def sites() -> ResponseReturnValue:
    """Every site, and the form to add one."""
    form = SiteForm()
    if form.validate_on_submit():
        if get_site(form.fields().slug) is not None:
            form.slug.errors.append(_("Another site has this short name."))
        else:
            site = save_site(form.fields())
            record_event("create_site", actor=current_user, target_type="site", target_id=site.id, slug=site.slug)
            flash(_("Added %(name)s.", name=site.name), "info")
            return redirect(url_for("admin.sites"))
    return render_template("admin/sites.html", form=form, sites=list_sites())


@bp.route("/sites/<slug>/edit", methods=["GET", "POST"])
def edit_site(slug: str) -> ResponseReturnValue:
    """Change a site's name, region or country; its slug stays, for the tablets' queues that carry it."""
    site = get_site(slug) or abort(404)
    form = SiteForm(obj=site)
    form.slug.data = site.slug
    if form.validate_on_submit():
        save_site(form.fields(), site)
        record_event("update_site", actor=current_user, target_type="site", target_id=site.id, slug=site.slug)
        flash(_("Saved %(name)s.", name=site.name), "info")
        return redirect(url_for("admin.sites"))
    return render_template("admin/site_edit.html", form=form, site=site)
