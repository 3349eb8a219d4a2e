"""The scoring-core contract: the client, the embedded engine and its HTTP API."""
