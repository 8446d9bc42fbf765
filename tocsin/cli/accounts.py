"""``tocsin accounts check``: the publishing accounts of TOCSIN_ACCOUNTS, each tried, one
sentence each; exit code 1 when any fails."""

from __future__ import annotations

import os

import click

from tocsin.cli.common import UserError, friendly, run
from tocsin.i18n import language, t
from tocsin.publish.accounts import Accounts, AccountsError, accounts_from_env
from tocsin.publish.check import check_all


@click.group(help=t("help.accounts"))
def accounts() -> None:
    pass


def load_accounts_or_explain() -> Accounts:
    """TOCSIN_ACCOUNTS's file, or a :class:`UserError` listing each problem at its line."""
    try:
        return accounts_from_env()
    except AccountsError as exc:
        lines = [t("accounts.invalid")] + [f"  {problem}" for problem in exc.problems]
        raise UserError("\n".join(lines)) from None


@accounts.command("check", help=t("help.accounts_check"))
@friendly
def accounts_check() -> None:
    loaded = load_accounts_or_explain()
    if not loaded.accounts:
        click.echo(t("accounts.check.none"))
        return
    outcomes = run(check_all(loaded, os.environ))
    lang = language()
    for outcome in outcomes:
        mark = click.style("✓", fg="green") if outcome.ok else click.style("✗", fg="red")
        click.echo(f"{mark} {outcome.sentence(lang)}")
    failed = sum(1 for outcome in outcomes if not outcome.ok)
    if failed:
        raise UserError(t("accounts.check.failed", failed=failed, count=len(outcomes)))
    click.echo(t("accounts.check.all_ok", count=len(outcomes)))


COMMANDS: tuple[click.Command, ...] = (accounts,)
