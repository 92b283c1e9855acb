"""Runs code a person copied out of the app as its own Python process, with credentials only in its environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_copied_python(code: str, folder: Path) -> str:
    script = folder / "copied.py"
    script.write_text(code, encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    # The person's own environment supplies credentials; the code carries none.
    env.update(AWS_ACCESS_KEY_ID="AKIDCOPIED", AWS_SECRET_ACCESS_KEY="copied-secret", AWS_CONFIG_FILE=os.devnull,
               AWS_SHARED_CREDENTIALS_FILE=os.devnull, PYTHONIOENCODING="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, encoding="utf-8", env=env,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout
