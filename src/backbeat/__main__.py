from backbeat.cli import main

raise SystemExit(main())
