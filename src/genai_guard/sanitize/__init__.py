"""Input sanitizers: Unicode canonicalization, hidden-payload decoding, budgets, spotlighting."""
