"""Credentials in prompts and answers: ``SecretsDetector`` and the kinds it knows."""

from genai_guard.secrets._detector import SECRET_KINDS, SecretsDetector

__all__ = ["SECRET_KINDS", "SecretsDetector"]
