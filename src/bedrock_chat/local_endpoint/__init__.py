"""A local, Bedrock-compatible HTTP endpoint for offline use and end-to-end tests.

It speaks bedrock-runtime's and bedrock's REST-JSON routes and the binary event-stream framing,
so an unmodified boto3 client pointed at it with ``endpoint_url`` runs end to end.
"""

from bedrock_chat.local_endpoint.server import LocalBedrockServer
from bedrock_chat.local_endpoint.server_state import ServerOptions

__all__ = ["LocalBedrockServer", "ServerOptions"]
