"""One entry point for an activity: :func:`publish` checks the request against the accounts
file (the account exists, is listed for the channel, and is a drill account exactly when the
crisis is a drill), reads the account's secret at that moment and hands the request to the
publisher of its kind. Every failure is a :class:`~tocsin.publish.errors.PublishError`:
``retryable`` or not, as the activity's retry policy needs.
"""

from __future__ import annotations

from collections.abc import Mapping

from tocsin.publish.accounts import (
    Accounts,
    BlueskyAccount,
    EmailAccount,
    MastodonAccount,
    MatrixAccount,
    StatusSiteAccount,
    WebhookAccount,
    read_secret,
)
from tocsin.publish.bluesky import publish_bluesky
from tocsin.publish.errors import NotRetryable
from tocsin.publish.mail import publish_email
from tocsin.publish.mastodon import publish_mastodon
from tocsin.publish.matrix import publish_matrix
from tocsin.publish.models import Action, Publication, PublishRequest
from tocsin.publish.ratelimit import LIMITS, Limits
from tocsin.publish.statussite import publish_status_site
from tocsin.publish.webhook import publish_webhook


async def publish(
    request: PublishRequest,
    accounts: Accounts,
    *,
    env: Mapping[str, str] | None = None,
    limits: Limits = LIMITS,
) -> Publication:
    name = request.account
    account = accounts.account_for(name, request.exercise)
    if name not in accounts.channels.get(request.channel, []):
        raise NotRetryable(name, "publish.err.not_in_channel", channel=request.channel.value)
    if request.action is not Action.PUBLISH and request.previous is None:
        raise NotRetryable(name, "publish.err.no_previous")
    secret = read_secret(name, account, env)
    if isinstance(account, MastodonAccount) and secret is not None:
        return await publish_mastodon(request, account, secret, limits=limits)
    if isinstance(account, BlueskyAccount) and secret is not None:
        return await publish_bluesky(request, account, secret, limits=limits)
    if isinstance(account, EmailAccount):
        return await publish_email(request, account, secret, limits=limits)
    if isinstance(account, WebhookAccount) and secret is not None:
        return await publish_webhook(request, account, secret, limits=limits)
    if isinstance(account, StatusSiteAccount):
        return await publish_status_site(request, account, limits=limits)
    if isinstance(account, MatrixAccount) and secret is not None:
        return await publish_matrix(request, account, secret, limits=limits)
    # A secret required by the kind and not read: the accounts file's check refuses it first.
    raise NotRetryable(name, "publish.err.not_built")
