"""PySide6 user interface. Views call workflows through ``operations``; they never build queries."""
