"""Matrix settings, from the environment (listed in the README).

Matrix is configured when ``MATRIX_HOMESERVER`` is set. The bot's access token comes from
``MATRIX_ACCESS_TOKEN``, or from the file ``MATRIX_ACCESS_TOKEN_FILE`` names (a secret mounted
by the deployment): never from a YAML file, never logged.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from tocsin.i18n import t

# A Matrix user id as the playbook and the settings give it: ``@localpart:server``.
USER_ID = re.compile(r"^@[a-z0-9._=/+-]{1,200}:[A-Za-z0-9.-]{1,230}(:[0-9]{1,5})?$")
# A room id: ``!opaque:server``, or ``!hash`` alone since room version 12.
ROOM_ID = re.compile(r"^![A-Za-z0-9._~=/+-]{1,255}(:[A-Za-z0-9.-]{1,230}(:[0-9]{1,5})?)?$")
MAX_TOKEN = 1024


class MatrixSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    homeserver: str  # https://matrix.example.org (the client-server API's base URL)
    user_id: str  # the bot's own id, @tocsin:example.org
    token: str = Field(default="", repr=False)
    room: str  # the crisis room's id, !abc:example.org
    sync_timeout_ms: int = 30_000

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> MatrixSettings | None:
        """None when Matrix is not configured (no homeserver): tocsin then runs without it."""
        env = os.environ if env is None else env
        homeserver = env.get("MATRIX_HOMESERVER", "").strip()
        if not homeserver:
            return None
        token = env.get("MATRIX_ACCESS_TOKEN", "").strip()
        token_file = env.get("MATRIX_ACCESS_TOKEN_FILE", "").strip()
        if not token and token_file:
            try:
                token = Path(token_file).read_text(encoding="utf-8").strip()[: MAX_TOKEN + 1]
            except OSError as exc:
                raise ValueError(
                    t("matrix.token_file", path=token_file[:200], error=exc.strerror or "")
                ) from None
        return cls(
            homeserver=homeserver.rstrip("/"),
            user_id=env.get("MATRIX_USER_ID", "").strip(),
            token=token,
            room=env.get("TOCSIN_MATRIX_ROOM", "").strip(),
        )

    def problems(self) -> list[str]:
        """What is missing or malformed, in words (nothing: the settings can be used)."""
        found: list[str] = []
        if not re.match(r"^https?://[^\s/]+(/[^\s]*)?$", self.homeserver):
            found.append(t("matrix.bad_homeserver", url=self.homeserver[:100]))
        if not USER_ID.match(self.user_id):
            found.append(t("matrix.bad_user", user=self.user_id[:100]))
        if not self.token:
            found.append(t("matrix.missing_token"))
        elif len(self.token) > MAX_TOKEN or any(c.isspace() for c in self.token):
            found.append(t("matrix.bad_token"))
        if not ROOM_ID.match(self.room):
            found.append(t("matrix.bad_room", room=self.room[:100]))
        return found
