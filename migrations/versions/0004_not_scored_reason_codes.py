"""Reasons a testimony's sentiment was not scored, stored as codes instead of English sentences.

The codes ("no_text", "language_unknown", "language_not_scored:<language>") are translated where
they are shown; downgrading writes the English sentences back.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 15:30:00

"""
import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

testimonial = sa.table('testimonial', sa.column('sentiment_note', sa.String(200)))

# The sentences as the analyser wrote them up to this revision, and their codes.
SENTENCES = {
    'no text to score': 'no_text',
    'language could not be identified': 'language_unknown',
    'no sentiment method validated on labelled Spanish text yet': 'language_not_scored:es',
}
OTHER_LANGUAGE = re.compile(r"no sentiment method for language '(.*)'\Z")


def _code(sentence):
    if sentence in SENTENCES:
        return SENTENCES[sentence]
    other = OTHER_LANGUAGE.match(sentence)
    return f'language_not_scored:{other.group(1)}' if other else sentence


def _sentence(code):
    for sentence, known in SENTENCES.items():
        if code == known:
            return sentence
    kind, _, language = code.partition(':')
    return f"no sentiment method for language '{language}'" if kind == 'language_not_scored' else code


def _convert(change):
    connection = op.get_bind()
    notes = connection.execute(
        sa.select(testimonial.c.sentiment_note).where(testimonial.c.sentiment_note.is_not(None)).distinct()
    ).scalars().all()
    for note in notes:
        new = change(note)
        if new != note:
            connection.execute(
                testimonial.update().where(testimonial.c.sentiment_note == note).values(sentiment_note=new)
            )


def upgrade():
    _convert(_code)


def downgrade():
    _convert(_sentence)
