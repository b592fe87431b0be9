# The two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint serve serve-dev worker migrate clean lock

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	touch $(STAMP)

venv: $(STAMP)

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

## make demo: set up, load the demo organisation, print HR, reviewer and approver logins, serve on 127.0.0.1:8000
demo: migrate
	$(BIN)/python manage.py load_demo --photos
	$(BIN)/python manage.py create_hr_user
	$(BIN)/python manage.py create_hr_user --username reviewer --group Reviewers
	$(BIN)/python manage.py create_hr_user --username approver --group Approvers
	@echo "Serving on http://$(HOST):$(PORT)/ with a background worker  (Ctrl+C stops both)"
	$(BIN)/python manage.py serve_demo $(HOST):$(PORT)

## make serve: production server (gunicorn + whitenoise); settings from the environment, see README "Production"
serve: $(STAMP)
	$(BIN)/python manage.py check --deploy --database default
	$(BIN)/python manage.py collectstatic --noinput -v 0
	HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn --config gunicorn.conf.py

## make worker: the background worker (imports, large exports); settings from the environment, as make serve
worker: $(STAMP)
	$(BIN)/python manage.py worker

## make test: set up, then run the whole suite (SQLite by default; set DATABASE_URL for PostgreSQL)
test: $(STAMP)
	$(BIN)/python -m pytest -n 2

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

## make lock: re-pin every dependency after editing pyproject.toml
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		--index-url https://pypi.org/simple -o requirements.lock

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
