"""``tocsin keys new`` and ``tocsin keys show``: a front end's signing key, and the keys this
machine trusts (TOCSIN_KEYS, or the data folder's made on first run)."""

from __future__ import annotations

import re
from pathlib import Path

import click

from tocsin.cli.common import UserError, friendly, load_settings
from tocsin.i18n import t
from tocsin.identity.keys import new_private_key, trusted_keyring
from tocsin.identity.signing import key_id, public_text
from tocsin.models.identity import Front

LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")


@click.group(help=t("help.keys"))
def keys() -> None:
    pass


@keys.command("new", help=t("help.keys_new"))
@click.option(
    "--front", type=click.Choice([f.value for f in Front]), required=True, help=t("help.keys_front")
)
@click.option("--label", required=True, metavar="NOM", help=t("help.keys_label"))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    metavar="FICHIER",
    help=t("help.keys_out"),
)
@friendly
def keys_new(front: str, label: str, out: Path) -> None:
    if not LABEL.fullmatch(label):
        raise UserError(t("keys.bad_label", label=label[:80]))
    if out.exists():
        raise UserError(t("keys.exists", path=out))
    try:
        key = new_private_key(out)
    except OSError as exc:
        raise UserError(t("keys.cannot_write", path=out, problem=exc.strerror or exc)) from None
    public = public_text(key)
    click.echo(t("keys.written", path=out, key=key_id(public)))
    click.echo(f"  {label}: {{front: {front}, public: {public}}}")


@keys.command("show", help=t("help.keys_show"))
@friendly
def keys_show() -> None:
    settings = load_settings()
    for key in trusted_keyring(settings.data_dir).keys:
        click.echo(f"{key.key_id}  {key.front.value:<7} {key.label}")


COMMANDS: tuple[click.Command, ...] = (keys,)
