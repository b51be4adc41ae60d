# The two commands of the README: `make run` and `make test`.
.PHONY: run test lint bundle clean-db

run:
	@scripts/bootstrap.sh run
	.venv/bin/backoffice

test:
	@scripts/test.sh

lint:
	.venv/bin/ruff check backoffice tests
	.venv/bin/ruff format --check backoffice tests
	.venv/bin/mypy backoffice/models backoffice/workflows
