"""Output validators: leakage, exfiltration, schema, refusal, unsafe code."""
