"""``genai-guard serve``: its flags (read by the CLI's parser) and the command.

Importing this module imports neither starlette, uvicorn nor httpx; the command does.
"""

from __future__ import annotations

import argparse
import logging
from typing import TextIO

__all__ = ["add_serve_arguments", "run_serve"]


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of ``serve``; each falls back on its ``GENAI_GUARD_*`` environment variable."""
    parser.add_argument(
        "--policy", help="policy file or name (env GENAI_GUARD_POLICY; default: default)"
    )
    parser.add_argument(
        "--upstream",
        metavar="URL",
        help="upstream OpenAI-compatible base URL, /v1 included (env GENAI_GUARD_UPSTREAM)",
    )
    parser.add_argument("--host", help="bind address (env GENAI_GUARD_HOST; default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="bind port (env GENAI_GUARD_PORT; default 8080)")
    parser.add_argument(
        "--upstream-api-key-env",
        metavar="VAR",
        help="environment variable holding the upstream key; without it the caller's "
        "Authorization header is passed through (env GENAI_GUARD_UPSTREAM_API_KEY_ENV)",
    )
    parser.add_argument(
        "--max-request-bytes",
        type=int,
        help="largest request body (env GENAI_GUARD_MAX_REQUEST_BYTES; default 1 MiB)",
    )
    parser.add_argument(
        "--max-response-bytes",
        type=int,
        help="largest upstream answer (env GENAI_GUARD_MAX_RESPONSE_BYTES; default 8 MiB)",
    )
    parser.add_argument(
        "--upstream-timeout-seconds",
        type=float,
        help="upstream time-out (env GENAI_GUARD_UPSTREAM_TIMEOUT_SECONDS; default 60)",
    )
    parser.add_argument(
        "--audit-log",
        metavar="FILE",
        help="hash-chained JSON-lines audit trail of every decision (env GENAI_GUARD_AUDIT_LOG)",
    )
    parser.add_argument(
        "--audit-key-env",
        metavar="VAR",
        help="environment variable holding the audit key, hex, >= 16 bytes; required with "
        "--audit-log (env GENAI_GUARD_AUDIT_KEY_ENV)",
    )
    parser.add_argument(
        "--log-level",
        choices=("critical", "error", "warning", "info", "debug"),
        help="log level (env GENAI_GUARD_LOG_LEVEL; default info)",
    )


def run_serve(args: argparse.Namespace, out: TextIO) -> int:
    """Build the pipeline, then serve until SIGINT or SIGTERM (graceful shutdown); exit 0."""
    import uvicorn  # noqa: PLC0415 - the server extra, loaded only by this command

    from genai_guard.policy import build_pipeline  # noqa: PLC0415
    from genai_guard.server._app import create_app  # noqa: PLC0415
    from genai_guard.server._config import ServerConfig  # noqa: PLC0415

    config = ServerConfig.from_env(
        policy=args.policy,
        upstream=args.upstream,
        host=args.host,
        port=args.port,
        upstream_api_key_env=args.upstream_api_key_env,
        max_request_bytes=args.max_request_bytes,
        max_response_bytes=args.max_response_bytes,
        upstream_timeout_seconds=args.upstream_timeout_seconds,
        log_level=args.log_level,
        audit_log=args.audit_log,
        audit_key_env=args.audit_key_env,
    )
    pipeline = build_pipeline(config.policy)
    logging.basicConfig(
        level=config.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    out.write(f"genai-guard serve: http://{config.host}:{config.port}/v1\n")
    out.flush()
    uvicorn.run(
        create_app(pipeline, config),
        host=config.host,
        port=config.port,
        log_level=config.log_level,
        access_log=False,
        timeout_graceful_shutdown=10,
    )
    return 0
