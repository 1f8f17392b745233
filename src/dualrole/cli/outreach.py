"""``dualrole mail template|preview|send|sequence``: outreach from templates and segments.

A template's fields come from the prospect, company, deal, segment and promotion
(:func:`dualrole.services.outreach.template_fields`); ``preview`` shows it rendered, ``send``
opens it in ``$EDITOR`` (unless ``--no-edit``), sends it ``--via`` SMTP or sendmail (or prints
a ``mailto:`` link) and logs it once as an outbound email. A sequence creates one follow-up
per step and pauses when the prospect replies.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from dualrole.cli.context import Context, pass_ctx, say
from dualrole.cli.mail import mail, mail_errors, prompt_password
from dualrole.core.printable import visible

if TYPE_CHECKING:
    from dualrole.mail.outbox import Draft


@click.group("template")
def template() -> None:
    """Outreach templates (Jinja fields: {{ first_name }}, {{ objection }}, …)."""


@template.command("add")
@click.argument("name")
@click.option("--subject", required=True, help="The subject line (fields allowed).")
@click.option(
    "--body-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The body from a file (default: write it in $EDITOR).",
)
@pass_ctx
def template_add(ctx: Context, name: str, subject: str, body_file: Path | None) -> None:
    """Add (or replace) the template NAME."""
    from dualrole.services.outreach import save_template

    if body_file is not None:
        body = body_file.read_text(encoding="utf-8")
    else:
        edited = click.edit("Hello {{ first_name }},\n\n")
        if edited is None:
            raise click.ClickException("Nothing was written; no template was saved.")
        body = edited
    with ctx.open() as store:
        saved = save_template(store, name, subject, body)
    say(f"Saved template {saved.name}.")


@template.command("list")
@pass_ctx
def template_list(ctx: Context) -> None:
    """List the templates."""
    from dualrole.services.outreach import templates

    with ctx.open(create=False) as store:
        for item in templates(store):
            say(f"{item.name}: {item.subject}")


@template.command("fields")
@click.argument("prospect")
@pass_ctx
def template_fields_cmd(ctx: Context, prospect: str) -> None:
    """Show the fields a template sees for PROSPECT."""
    import json

    from dualrole.services.outreach import template_fields
    from dualrole.services.resolve import resolve_prospect

    with ctx.open(create=False) as store:
        fields = template_fields(store, resolve_prospect(store, prospect))
    click.echo(visible(json.dumps(fields, indent=2, ensure_ascii=False), multiline=True))


def _render(ctx: Context, name: str, prospect: str, *, need_address: bool = False) -> Draft:
    """A template rendered for a prospect (:func:`dualrole.mail.outbox.draft`)."""
    from dualrole.mail.outbox import draft
    from dualrole.mail.templates import TemplateProblem
    from dualrole.services.resolve import resolve_prospect

    with ctx.open(create=False) as store:
        prospect_id = resolve_prospect(store, prospect)
        try:
            return draft(store, name, prospect_id, need_address=need_address)
        except TemplateProblem as exc:
            raise click.ClickException(str(exc)) from None


@click.command("preview")
@click.argument("name")
@click.argument("prospect")
@pass_ctx
def preview(ctx: Context, name: str, prospect: str) -> None:
    """Show template NAME rendered for PROSPECT (id, email or name)."""
    shown = _render(ctx, name, prospect)
    click.echo(visible(f"To: {shown.to}\n{shown.text()}", multiline=True))


@click.command("send")
@click.argument("name")
@click.argument("prospect")
@click.option(
    "--via",
    "via_text",
    envvar="DUALROLE_MAIL_SEND",
    required=True,
    help="smtps://USER@HOST, smtp+starttls://USER@HOST, sendmail: or mailto: "
    "(default: $DUALROLE_MAIL_SEND).",
)
@click.option(
    "--from",
    "sender",
    envvar="DUALROLE_MAIL_FROM",
    required=True,
    help="Your address (default: $DUALROLE_MAIL_FROM).",
)
@click.option("--edit/--no-edit", default=True, help="Open the message in $EDITOR first.")
@click.option("--yes", is_flag=True, help="Send without asking.")
@pass_ctx
def send(
    ctx: Context, name: str, prospect: str, via_text: str, sender: str, edit: bool, yes: bool
) -> None:
    """Send template NAME to PROSPECT, and log it as an outbound email."""
    from dualrole.mail.fetch import password_for
    from dualrole.mail.outbox import needs_password, send_draft
    from dualrole.mail.send import mailto_link, parse_via

    with mail_errors():
        via = parse_via(via_text)
        message = _render(ctx, name, prospect, need_address=True)
        if edit:
            edited = click.edit(message.text())
            if edited is None:
                raise click.ClickException("The message was not saved in the editor; not sent.")
            message = message.edited(edited)
        if via.scheme == "mailto":
            click.echo(mailto_link(message.to, message.subject, message.body))
            say("Open the link in your mail program; it is logged when `mail fetch` reads Sent.")
            return
        question = visible(f"Send “{message.subject}” to {message.to}?")
        if not yes and not click.confirm(question, default=True):
            raise click.ClickException("Not sent.")
        password = password_for(via.as_source(), prompt_password) if needs_password(via) else None
        with ctx.open(create=False) as store:
            send_draft(store, message, via, sender, password)
    say(f"Sent “{message.subject}” to {message.to}, and logged it.")


@click.group("sequence")
def sequence() -> None:
    """Template series on a schedule (day 0 intro, day 4 case study…), paused on a reply."""


@sequence.command("add")
@click.argument("name")
@click.argument("steps", nargs=-1, required=True)
@pass_ctx
def sequence_add(ctx: Context, name: str, steps: tuple[str, ...]) -> None:
    """Add (or replace) sequence NAME from steps DAY:TEMPLATE (e.g. 0:intro 4:case 10:check)."""
    from dualrole.services.outreach import parse_steps, save_sequence

    with ctx.open() as store:
        saved = save_sequence(store, name, parse_steps(list(steps)))
    say(
        f"Saved sequence {saved.name}: "
        + ", ".join(f"day {s.day} {s.template}" for s in saved.steps)
    )


@sequence.command("start")
@click.argument("name")
@click.argument("prospect")
@pass_ctx
def sequence_start(ctx: Context, name: str, prospect: str) -> None:
    """Start sequence NAME for PROSPECT: one follow-up per step, from today."""
    from dualrole.services.outreach import start_sequence
    from dualrole.services.resolve import resolve_prospect

    with ctx.open(create=False) as store:
        ids = start_sequence(store, name, resolve_prospect(store, prospect))
    say(f"Started {name}: {len(ids)} follow-ups; a reply pauses it.")


OUTREACH = [template, preview, send, sequence]
for _command in OUTREACH:
    mail.add_command(_command)
COMMANDS: list[click.Command] = []  # they live in the `mail` group
