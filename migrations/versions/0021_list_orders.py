"""List orders: indexes that keep testimonies in the order of their sentiment (the texts not scored last),
one site's responses in the order of time and a theme's tags in the order of confidence, so that a page
of the list so sorted or filtered reads a page of an index instead of sorting every text.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 17:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

# As survey.models.testimonial writes them; copied, since a migration must not change when the models do.
ORDERS = {
    "ix_testimonial_most_negative": "coalesce(polarity, 9.0)",
    "ix_testimonial_most_positive": "coalesce(polarity, -9.0)",
}


def upgrade():
    for name, expression in ORDERS.items():
        op.create_index(name, "testimonial", [sa.text(expression), "id"], unique=False)
    op.create_index("ix_response_site_submitted", "response", ["site_id", "submitted_at"], unique=False)
    op.create_index("ix_theme_tag_theme_confidence", "theme_tag", ["theme", "confidence"], unique=False)


def downgrade():
    op.drop_index("ix_theme_tag_theme_confidence", table_name="theme_tag")
    op.drop_index("ix_response_site_submitted", table_name="response")
    for name in ORDERS:
        op.drop_index(name, table_name="testimonial")
