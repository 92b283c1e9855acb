"""Allows ``python -m bedrock_chat``."""

from bedrock_chat.app import main

if __name__ == "__main__":  # the turn host process (multiprocessing's spawn) must not start the app again
    raise SystemExit(main())
