"""`python -m kpi` runs the command line."""

from kpi.cli.main import main

raise SystemExit(main())
