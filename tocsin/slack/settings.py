"""Slack settings, from the environment (listed in the README)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict

from tocsin.config import whole_number
from tocsin.i18n import t

DEFAULT_API_URL = "https://slack.com/api/"


class SlackSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    bot_token: str
    app_token: str = ""  # xapp-..., Socket Mode only
    signing_secret: str = ""  # HTTP mode only
    channel: str  # the crisis channel's id (C...)
    api_url: str = DEFAULT_API_URL
    mode: Literal["socket", "http"] = "socket"
    host: str = "127.0.0.1"  # HTTP mode: loopback unless TOCSIN_SLACK_HOST says otherwise
    port: int = 3000
    path: str = "/slack/events"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SlackSettings | None:
        """None when Slack is not configured (no bot token): tocsin then runs without it."""
        env = os.environ if env is None else env
        token = env.get("SLACK_BOT_TOKEN", "")
        if not token:
            return None
        mode = env.get("TOCSIN_SLACK_MODE") or "socket"
        if mode not in ("socket", "http"):
            raise ValueError(t("slack.bad_mode", mode=mode[:40]))
        api_url = env.get("SLACK_API_URL") or DEFAULT_API_URL
        return cls(
            bot_token=token,
            app_token=env.get("SLACK_APP_TOKEN", ""),
            signing_secret=env.get("SLACK_SIGNING_SECRET", ""),
            channel=env.get("TOCSIN_SLACK_CHANNEL", ""),
            api_url=api_url if api_url.endswith("/") else api_url + "/",
            mode="http" if mode == "http" else "socket",
            host=env.get("TOCSIN_SLACK_HOST") or "127.0.0.1",
            port=whole_number(env, "TOCSIN_SLACK_PORT", 3000, 1, 65535),
        )

    def problems(self, *, app: bool = True) -> list[str]:
        """What is missing, in words: for the app (``app``), or only for workers to post."""
        found: list[str] = []
        if not self.channel:
            found.append(t("slack.missing_channel"))
        if not app:
            return found
        if self.mode == "socket" and not self.app_token:
            found.append(t("slack.missing_app_token"))
        if self.mode == "http" and not self.signing_secret:
            found.append(t("slack.missing_signing_secret"))
        return found
