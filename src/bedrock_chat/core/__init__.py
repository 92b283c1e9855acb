"""Plain-Python domain model: no Qt, no boto3. Conversations, parameters, catalog, events, stats, transcripts."""
