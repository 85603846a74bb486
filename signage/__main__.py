from signage.app.cli import main

raise SystemExit(main())
