"""flask responses withdraw: a resident's response deleted from the command line, as on /admin/withdrawals."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from survey.extensions import db
from survey.models import Response
from survey.services.withdrawals import (
    Preview,
    ReceiptCodeError,
    find_by_receipt,
    last_withdrawal,
    normalise_receipt,
    preview_withdrawal,
    withdraw_response,
)

responses_cli = AppGroup("responses", help="Residents' responses.")


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _describe(code: str, response: Response, preview: Preview) -> None:
    title = response.survey_version.title("en")
    asked = (
        f"a withdrawal was asked for on {preview.request.requested_at:%Y-%m-%d}"
        if preview.request is not None and preview.request.status.value == "pending"
        else "no pending request: it is withdrawn directly"
    )
    click.echo(f"Response {code} to “{title}”, received {response.received_at:%Y-%m-%d} ({asked}).")
    d = preview.derived
    click.echo(
        f"Withdrawing it deletes the response, {_plural(d.answers, 'answer', 'answers')}, "
        f"{_plural(d.testimonies, 'testimony', 'testimonies')} (raw and redacted text), "
        f"{_plural(d.tags, 'theme tag', 'theme tags')} ({_plural(d.corrections, 'correction', 'corrections')}) and "
        f"{_plural(d.conflicts, 'conflicting record', 'conflicting records')}: {d.total} rows."
    )
    if preview.learned:
        versions = ", ".join(model.version for model in preview.learned)
        active = " The active one is among them: a new one is learned from the remaining corrections."
        click.echo(
            f"It also deletes {_plural(len(preview.learned), 'learned codebook', 'learned codebooks')} "
            f"trained on its words: {versions}.{active if preview.drops_active_codebook else ''}"
        )


@responses_cli.command("withdraw")
@click.argument("receipt")
@click.option("--yes", is_flag=True, help="Delete it; without this, only say what would be deleted.")
def withdraw_command(receipt: str, yes: bool) -> None:
    """Withdraw the response with this receipt code: delete it and everything derived from it."""
    try:
        code = normalise_receipt(receipt)
    except ReceiptCodeError:
        raise click.ClickException(f"{receipt!r} is not a receipt code: 8 letters and digits, like ABCD-2345") from None
    response = find_by_receipt(code)
    if response is None:
        done = last_withdrawal(code)
        if done is None:
            raise click.ClickException(f"no response has the receipt code {code}")
        decided = f" on {done.decided_at:%Y-%m-%d}" if done.decided_at else ""
        click.echo(f"The response with code {code} was already withdrawn{decided} (request #{done.id}).")
        return
    _describe(code, response, preview_withdrawal(response))
    if not yes:
        raise click.ClickException("nothing was deleted: add --yes to withdraw it")
    withdrawal = withdraw_response(response, by=None)
    db.session.commit()
    click.echo(f"Withdrew {code}: {withdrawal.derived.total} rows deleted (request #{withdrawal.request.id}).")
    if withdrawal.retrained is not None:
        click.echo(
            f"Learned {withdrawal.retrained.version} from the remaining corrections; "
            "run `flask --app survey analysis rerun` to apply it."
        )
    elif withdrawal.active_dropped:
        click.echo("No learned codebook is active now: too few corrections remain to learn one.")
