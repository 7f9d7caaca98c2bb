"""``python -m genai_guard`` runs the command line."""

from genai_guard.cli import main

raise SystemExit(main())
