"""Use cases. Each takes the Session and the acting agent explicitly, checks permissions, audits, returns data."""
