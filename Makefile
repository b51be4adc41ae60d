# The two commands of the README: `make run` and `make test`.
.PHONY: run test lint bundle clean-db screenshots

run:
	@scripts/bootstrap.sh run
	.venv/bin/backoffice

test:
	@scripts/test.sh

# One-folder bundle (PyInstaller) in dist/backoffice/; see installer/README.md.
bundle:
	@scripts/bootstrap.sh run
	.venv/bin/python -m pip install -q -e ".[bundle]"
	.venv/bin/python -m PyInstaller --noconfirm --log-level WARN installer/backoffice.spec
	@echo "Paquet : dist/backoffice/ — $$(du -sh dist/backoffice | cut -f1)"

lint:
	.venv/bin/ruff check backoffice tests
	.venv/bin/ruff format --check backoffice tests
	.venv/bin/mypy backoffice/models backoffice/workflows

# The PNGs of docs/screens/ (README « Écrans », user guides), from the real widgets on a fresh demo database.
screenshots:
	QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py
