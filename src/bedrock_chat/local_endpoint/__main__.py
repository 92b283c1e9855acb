"""Allows ``python -m bedrock_chat.local_endpoint``."""

from bedrock_chat.local_endpoint.cli import main

raise SystemExit(main())
