"""The bundle's entry point: PyInstaller freezes this script, which runs the same main() as the installed command."""

from bedrock_chat.app import main

raise SystemExit(main())
