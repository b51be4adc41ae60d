from backoffice.ui.app import main

raise SystemExit(main())
