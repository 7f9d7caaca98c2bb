"""Wrappers for LLM clients: any callable, OpenAI-style and Anthropic-style SDKs."""
