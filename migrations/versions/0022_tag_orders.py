"""Tag orders: each testimony keeps its surest counted tag's confidence and its place in the review queue
(its least sure counted tag's, 2.0 once a person decided on a theme, 9.0 without tags), indexed, so that
the list sorted by them reads a page of an index instead of every tag of every testimony.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 18:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

# As survey.models.tag_rule.list_orders_clause writes them; copied, since a migration must not change
# when the models do. The tags' `counts` already says which count (revision 0008 set it).
FILL = """
UPDATE testimonial SET
  top_confidence = coalesce(
    (SELECT max(confidence) FROM theme_tag WHERE theme_tag.testimonial_id = testimonial.id AND theme_tag.counts),
    -1.0),
  review_order = CASE
    WHEN EXISTS (SELECT 1 FROM theme_tag WHERE theme_tag.testimonial_id = testimonial.id AND source = 'human')
    THEN 2.0
    ELSE coalesce(
      (SELECT min(confidence) FROM theme_tag WHERE theme_tag.testimonial_id = testimonial.id AND theme_tag.counts),
      9.0)
  END
"""


def upgrade():
    op.add_column("testimonial", sa.Column("top_confidence", sa.Float(), server_default=sa.text("-1.0"), nullable=False))
    op.add_column("testimonial", sa.Column("review_order", sa.Float(), server_default=sa.text("9.0"), nullable=False))
    op.execute(FILL)
    op.create_index("ix_testimonial_confidence", "testimonial", ["top_confidence", "id"], unique=False)
    op.create_index("ix_testimonial_least_certain", "testimonial", ["review_order", "id"], unique=False)


def downgrade():
    op.drop_index("ix_testimonial_least_certain", table_name="testimonial")
    op.drop_index("ix_testimonial_confidence", table_name="testimonial")
    # Dropped in place (SQLite 3.35 and later can): a batch would copy the table, whose expression
    # indexes it cannot reflect.
    op.drop_column("testimonial", "review_order")
    op.drop_column("testimonial", "top_confidence")
