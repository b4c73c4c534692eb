"""`python -m app` starts Footprint (the GUI, or a subcommand)."""

from app.cli import main

raise SystemExit(main())
