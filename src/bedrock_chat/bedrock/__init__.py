"""The Bedrock layer: boto3 sessions and clients, request bodies per API and family, stream decoding, errors."""
