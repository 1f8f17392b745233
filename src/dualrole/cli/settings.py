"""``settings`` (the workspace's: currency, week, idle days…) and ``config`` (the person's:
theme, keys, locale, default workspace — see :mod:`dualrole.config`)."""

from __future__ import annotations

import click

from dualrole.cli.context import Context, pass_ctx, say
from dualrole.services.settings import SettingError, change_settings, list_settings


@click.group(invoke_without_command=True)
@click.pass_context
def settings(click_ctx: click.Context) -> None:
    """The workspace's settings; `settings set KEY VALUE` changes one."""
    if click_ctx.invoked_subcommand is not None:
        return
    ctx: Context = click_ctx.obj
    with ctx.open(create=False) as store:
        rows = list_settings(store)
    width = max(len(row.key) for row in rows)
    for row in rows:
        mark = "" if row.is_default else "  (set)"
        say(f"{row.key:<{width}}  {row.text or '(none)'}{mark}")
        say(f"{'':<{width}}  {row.help}")


@settings.command("set")
@click.argument("key")
@click.argument("value")
@pass_ctx
def settings_set(ctx: Context, key: str, value: str) -> None:
    """Set KEY (see `dualrole settings`) to VALUE; a bad value changes nothing."""
    with ctx.open(create=False) as store:
        try:
            notes = change_settings(store, {key: value})
        except SettingError as exc:
            raise click.ClickException(exc.sentence()) from None
        shown = next(row for row in list_settings(store) if row.key == _stored_key(key))
    say(f"{shown.key} is now {shown.text or '(none)'}.")
    for note in notes:
        say(note)


def _stored_key(key: str) -> str:
    """A setting's key as typed (``idle-days``, ``IDLE_DAYS``) → as stored."""
    return key.strip().lower().replace("-", "_")


@click.group(invoke_without_command=True)
@click.pass_context
def config(click_ctx: click.Context) -> None:
    """Your app config: each value and where it came from; `config path` for the file."""
    if click_ctx.invoked_subcommand is not None:
        return
    ctx: Context = click_ctx.obj
    app_config = ctx.config
    say(
        f"file: {app_config.path}"
        + (
            ""
            if app_config.path and app_config.path.exists()
            else " (not there: every value is a default)"
        )
    )
    for key, value in (
        ("theme", app_config.theme),
        ("locale", app_config.locale),
        ("workspace", str(ctx.path)),
        ("keymap", app_config.keymap),
    ):
        source = ctx.path_source if key == "workspace" else app_config.source(key)
        say(f"{key} = {value}  ({source})")
    bindings = app_config.bindings()
    for binding_id, keys in sorted(bindings.items()):
        source = app_config.sources.get(f"keys.{binding_id}", f"the {app_config.keymap} keymap")
        say(f"keys.{binding_id} = {keys}  ({source})")
    for theme in app_config.user_themes:
        say(f"theme file: {theme.name}  ({theme.path})")
    for problem in app_config.problems:
        say(problem, err=True)
    if app_config.keys:  # reads every screen's keys: only when the file maps some
        from dualrole.tui.configured import keymap_clashes, unknown_id_sentence, unknown_ids

        unknown = unknown_ids(app_config.keys)
        for binding_id in unknown:
            where = app_config.sources.get(f"keys.{binding_id}", str(app_config.path))
            say(f"{where}: {unknown_id_sentence(binding_id)}", err=True)
        known = {k: v for k, v in app_config.bindings().items() if k not in unknown}
        for key, taker, other in keymap_clashes(known, import_all=True):
            where = app_config.sources.get(f"keys.{taker}", f"the {app_config.keymap} keymap")
            say(
                f"{where}: {key!r} is bound twice ({taker} and {other}); both keep their "
                "default keys.",
                err=True,
            )


@config.command("path")
@pass_ctx
def config_path_command(ctx: Context) -> None:
    """Print where the config file is (it may not exist yet)."""
    say(str(ctx.config.path))


COMMANDS = (settings, config)
