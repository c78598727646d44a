"""A location typed as latitude, longitude and accuracy; geopoint.js fills them from the browser's location."""

# Three inputs share the field's name, so the browser posts them in order and the field reads them
# as one ODK point. Without JavaScript they are typed by hand. A map to check the point is shown
# only where MAP_TILE_URL names a tile server; otherwise no map tiles are fetched from anyone.

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup, escape
from wtforms import Field

from survey.questionnaire.place_and_time_types import UNKNOWN_ALTITUDE
from survey.web.maps import map_tiles

PARTS = ("latitude", "longitude", "altitude", "accuracy")


def _attributes(values: dict[str, Any]) -> str:
    shown = []
    for key, value in values.items():
        if value is True:
            shown.append(escape(key))
        elif value not in (False, None):
            shown.append(Markup('{}="{}"').format(key, value))
    return " ".join(str(s) for s in shown)


def split_point(value: str) -> dict[str, str]:
    """A stored point's parts by name; what was typed, part by part, when it is not a point."""
    words = value.split()
    return {part: (words[i] if i < len(words) else "") for i, part in enumerate(PARTS)}


class GeopointWidget:
    """Latitude, longitude and accuracy boxes, a hidden altitude, and a button geopoint.js shows."""

    def __call__(self, field: Field, **kwargs: Any) -> Markup:
        """The inputs, each labelled; the first takes the field's id, which the question's label names."""
        values = split_point(field._value())
        labels = {
            "latitude": _("Latitude (degrees)"),
            "longitude": _("Longitude (degrees)"),
            "accuracy": _("Accuracy (metres)"),
        }
        shared = {k: v for k, v in kwargs.items() if k in ("aria-describedby", "aria-invalid", "readonly", "disabled")}
        html = [Markup('<div class="geopoint" data-geopoint>')]
        for part in PARTS:
            attributes = {
                "name": field.name,
                "value": values[part],
                "id": field.id if part == "latitude" else f"{field.id}-{part}",
                "data-part": part,
                **shared,
            }
            if part == "altitude":
                html.append(Markup("<input {}>").format(Markup(_attributes({"type": "hidden", **attributes}))))
                continue
            attributes |= {"type": "text", "inputmode": "decimal", "autocomplete": "off", "size": 12}
            html.append(
                Markup('<label class="geopoint-part"><span>{}</span> <input {}></label>').format(
                    labels[part], Markup(_attributes(attributes))
                )
            )
        messages = {
            "data-finding": _("Finding your location…"),
            "data-found": _("Location found. Check it, or correct it by hand."),
            "data-failed": _("Your location could not be found: type it in, or leave it empty."),
        }
        html.append(
            Markup(
                '<button type="button" class="button" data-locate hidden {}>{}</button>'
                '<span class="hint" data-locate-status aria-live="polite"></span>'
            ).format(Markup(_attributes(messages)), _("Use my location"))
        )
        tiles = map_tiles()
        if tiles:  # map.js shows the point once it is one, over the configured tiles only
            html.append(
                Markup(
                    '<figure class="geopoint-map" data-geopoint-map hidden>'
                    '<div class="map" data-tiles="{}" data-attribution="{}"></div>'
                    '<figcaption class="hint">{}</figcaption></figure>'
                ).format(
                    tiles.url,
                    tiles.attribution,
                    _("The map shows this point and, as a circle, its accuracy: check that it is the right place."),
                )
            )
        html.append(Markup("</div>"))
        return Markup("").join(html)


class GeopointField(Field):
    """A location as ODK writes it: "latitude longitude altitude accuracy"; '' when nothing was typed."""

    widget = GeopointWidget()

    def process_formdata(self, valuelist: list[Any]) -> None:
        """The posted parts as one point; a part left empty stays empty so the answer is refused, not guessed."""
        if not valuelist:
            return
        parts = [str(v).strip() for v in valuelist[: len(PARTS)]]
        parts += [""] * (len(PARTS) - len(parts))
        latitude, longitude, altitude, accuracy = parts
        if not latitude and not longitude and not accuracy:
            self.data = ""
            return
        # a decimal comma is read as a point: coordinates have no thousands separators
        typed = " ".join([latitude or "?", longitude or "?", altitude or UNKNOWN_ALTITUDE, accuracy or "0"])
        self.data = typed.replace(",", ".")

    def _value(self) -> str:
        return str(self.data) if self.data else ""
