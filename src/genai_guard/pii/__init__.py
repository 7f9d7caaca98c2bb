"""PII and secrets: presidio-backed detection, masking, pseudonym vault, history store."""
