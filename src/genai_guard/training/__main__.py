"""``python -m genai_guard.training``: train, validate and ship the attack classifier."""

from genai_guard.training._train import main

raise SystemExit(main())
