"""``bedrock-chat-local``: runs the local Bedrock-compatible endpoint in the foreground."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from types import FrameType

from bedrock_chat import __version__
from bedrock_chat.local_endpoint.server import LocalBedrockServer
from bedrock_chat.local_endpoint.server_state import ServerOptions


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bedrock-chat-local",
        description="A local endpoint that speaks Amazon Bedrock's wire protocol, for offline use and tests. "
        "Point boto3 at it with endpoint_url= or AWS_ENDPOINT_URL_BEDROCK_RUNTIME and AWS_ENDPOINT_URL_BEDROCK.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=8765, help="port; 0 picks a free one (default: %(default)s)")
    parser.add_argument("--tokens-per-second", type=float, default=300.0,
                        help="streaming pace; 0 streams as fast as possible (default: %(default)s)")
    parser.add_argument("--first-token-delay", type=float, default=0.35,
                        help="seconds before the first token (default: %(default)s)")
    parser.add_argument("--max-body-bytes", type=int, default=20 * 1024 * 1024,
                        help="largest request body accepted (default: %(default)s)")
    parser.add_argument("--deny", action="append", default=[], metavar="OPERATION",
                        help="answer this operation with AccessDeniedException, as for an account with narrow "
                        "permissions (e.g. ListFoundationModels, ListInferenceProfiles); repeatable")
    parser.add_argument("--application-profile", action="append", default=[], metavar="ID=MODEL",
                        help="serve an application inference profile ID routing to MODEL; repeatable")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING)
    profiles = dict(item.partition("=")[::2] for item in args.application_profile)
    if any(not name or not model for name, model in profiles.items()):
        print("bedrock-chat-local: --application-profile takes ID=MODEL, e.g. team-a=amazon.nova-micro-v1:0",
              file=sys.stderr)
        return 2
    options = ServerOptions(args.host, args.port, args.tokens_per_second, args.first_token_delay,
                            args.max_body_bytes, denied_operations=frozenset(args.deny),
                            application_profiles=profiles)
    try:
        server = LocalBedrockServer(options)
    except OSError as error:
        print(f"bedrock-chat-local: cannot listen on {args.host}:{args.port}: {error.strerror}. "
              "Choose another --port (0 picks a free one).", file=sys.stderr)
        return 2

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(f"Local Bedrock endpoint listening on {server.url}", flush=True)
    print(f"  export AWS_ENDPOINT_URL_BEDROCK_RUNTIME={server.url} AWS_ENDPOINT_URL_BEDROCK={server.url}",
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
