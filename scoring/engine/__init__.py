"""The embedded scoring engine: reads, rankings and the v1 contract calls.

Writes live in `scoring.actions`; `engine.contract` is what the HTTP API and
the embedded client call.
"""
