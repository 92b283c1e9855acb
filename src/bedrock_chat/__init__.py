"""bedrock-chat: a desktop chat client for the foundation models on Amazon Bedrock."""

__version__ = "0.1.0"
