"""The grid operator's alerts (RTE Ecowatt) and the flash challenges they
start (docs/gridalerts.md)."""
