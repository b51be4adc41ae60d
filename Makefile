# The two commands of the README: `make run` and `make test`.
.PHONY: run test lint bundle clean-db screenshots

run:
	@scripts/bootstrap.sh run
	.venv/bin/backoffice

test:
	@scripts/test.sh

lint:
	.venv/bin/ruff check backoffice tests
	.venv/bin/ruff format --check backoffice tests
	.venv/bin/mypy backoffice/models backoffice/workflows

# The PNGs of docs/screens/ (README « Écrans », user guides), from the real widgets on a fresh demo database.
screenshots:
	QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py
