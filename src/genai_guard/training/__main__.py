"""``python -m genai_guard.training``: train, validate and ship the attack classifier."""

from genai_guard.training._cli import main

raise SystemExit(main())
