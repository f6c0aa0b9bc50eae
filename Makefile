# The two commands a newcomer needs: `make demo` and `make test`.
UV = $$(command -v uv || echo python3 -m uv)

.PHONY: setup test lint pytest format demo

setup:
	scripts/bootstrap.sh

lint: setup
	$(UV) run ruff check src tests bench
	$(UV) run ruff format --check src tests bench
	$(UV) run mypy

pytest: setup
	scripts/with-postgres.sh $(UV) run pytest $(PYTEST_ARGS)

## Builds the environment from scratch if needed, then lints, type-checks and runs every test
## against SQLite and a throwaway PostgreSQL.
test: lint pytest

format: setup
	$(UV) run ruff format src tests bench
	$(UV) run ruff check --fix src tests bench

## A five-node demo network on loopback (built afresh in var/demo/), one s47 enquiry, then it
## keeps running until Ctrl-C.
demo: setup
	$(UV) run singleview demo
