# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""The Hub client of the release targets: the token, the preflight, and Hub failures as one-line errors.

The token comes only from HF_TOKEN or the Hub's login cache (`hf auth login`), through
`huggingface_hub.get_token`; it is never printed, and every error message is scrubbed of it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

from huggingface_hub import HfApi, constants, get_token
from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError
from huggingface_hub.utils import httpx

from .cli import UserError, one_line, run
from .release_file import Release

TOKEN_FIX = "set HF_TOKEN to a write token from https://huggingface.co/settings/tokens, or run `hf auth login`"
RETRY = "run the same command again to finish: it sends only what is missing, and tags only when all is done"


def hub_token() -> str:
    token = get_token()
    if not token:
        raise UserError(f"no Hugging Face token found; {TOKEN_FIX}")
    return token


def redact(text: str, token: str | None) -> str:
    """Belt and braces: a message never carries the token, whatever the server echoed."""
    return text.replace(token, "hf_***") if token else text


def root_cause(exc: BaseException) -> BaseException:
    """The Hub or network error under a wrapper (huggingface_hub raises RuntimeError after failed LFS retries)."""
    seen = exc
    while not isinstance(seen, (HfHubHTTPError, httpx.HTTPError, OSError)) and (seen.__cause__ or seen.__context__):
        seen = seen.__cause__ or seen.__context__
    return seen if isinstance(seen, (HfHubHTTPError, httpx.HTTPError, OSError)) else exc


def describe(exc: BaseException, token: str | None, action: str) -> str:
    """One line for a failed Hub call: what failed, why, and what to do."""
    endpoint = constants.ENDPOINT
    outer, exc = exc, root_cause(exc)
    if isinstance(exc, HfHubHTTPError) and exc.response is not None:
        status = exc.response.status_code
        server = exc.server_message or str(exc).splitlines()[0]
        server = " ".join(server.split())[:200]
        if status == 401:
            why = f"the Hub rejected the token (401: {server}); {TOKEN_FIX}"
        elif status == 403:
            why = f"the token may not do this (403: {server}); use a token with write access to the namespace"
        elif status == 404 and isinstance(exc, RepositoryNotFoundError):
            why = f"repository not found (404: {server}); check hub.* in release.yaml and that the token can see it"
        elif status >= 500:
            why = f"the Hub answered {status} ({server}); {RETRY}"
        else:
            why = f"the Hub answered {status} ({server})"
    elif isinstance(exc, (httpx.HTTPError, OSError)):
        why = f"cannot reach the Hub at {endpoint} ({type(exc).__name__}); check the network, then {RETRY}"
    else:
        why = f"{type(outer).__name__}: {one_line(str(outer), 300)}; {RETRY}"
    return one_line(redact(f"{action}: {why}", token), 600)


@contextlib.contextmanager
def hub_call(action: str, token: str | None) -> Iterator[None]:
    """Turn any Hub or network failure inside the block into a UserError naming `action`."""
    try:
        yield
    except UserError:
        raise
    except Exception as exc:  # any failure of a Hub call (HTTP, network, a client error after retries): one line
        raise UserError(describe(exc, token, action)) from None


def client() -> tuple[HfApi, str]:
    token = hub_token()
    return HfApi(token=token, library_name="mlrelease"), token


def whoami(api: HfApi, token: str) -> dict[str, Any]:
    """Who the token belongs to, its role, and the namespaces it may write to."""
    with hub_call("checking the token (whoami)", token):
        info = api.whoami()
    access = (info.get("auth") or {}).get("accessToken") or {}
    return {
        "user": info.get("name"),
        "role": access.get("role", "unknown"),
        "orgs": [org.get("name") for org in info.get("orgs") or [] if org.get("name")],
        "endpoint": constants.ENDPOINT,
        "token_source": "HF_TOKEN" if os.environ.get("HF_TOKEN") else "login cache",
    }


def require_write(identity: dict[str, Any], namespace: str) -> None:
    """The preflight every publishing target runs before it changes anything."""
    if identity["role"] == "read":
        raise UserError(f"the Hugging Face token ({identity['token_source']}) is read-only; {TOKEN_FIX}")
    allowed = [identity["user"], *identity["orgs"]]
    if namespace not in allowed:
        raise UserError(
            f"release.yaml: hub.namespace {namespace!r} is neither your user nor one of your organisations "
            f"({', '.join(a for a in allowed if a)}); fix hub.* in release.yaml, or join or create that organisation"
        )


def main() -> dict[str, Any]:
    """`make whoami`: the preflight on its own."""

    def check() -> dict[str, Any]:
        api, token = client()
        identity = whoami(api, token)
        release = Release.load()
        print(f"user: {identity['user']}  (token from {identity['token_source']}, role {identity['role']})")
        print(f"organisations: {', '.join(identity['orgs']) or 'none'}")
        print(f"endpoint: {identity['endpoint']}")
        require_write(identity, release.hub.namespace)
        print(f"✓ can publish to {release.hub.namespace}")
        return identity

    return run(check)


if __name__ == "__main__":
    main()
