"""Prompt-attack classifiers: rules, the shipped learned model, optional adapters."""
