"""python -m desktop: the frontdesk command."""

from desktop.cli import main

raise SystemExit(main())
