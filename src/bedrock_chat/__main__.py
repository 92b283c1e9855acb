"""Allows ``python -m bedrock_chat``."""

from bedrock_chat.app import main

raise SystemExit(main())
