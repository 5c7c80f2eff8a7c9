# Two commands: `make run` (the portal with demo data) and `make test` (the whole suite).
UV_VERSION := 0.13.9
UV := .tools/bin/uv
PYTHON := .venv/bin/python
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: run test setup system-packages demo-code

$(UV):
	python3 -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

.venv/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python python3
	touch $@

setup: .venv/.synced

run: setup
	$(PYTHON) manage.py run_portal

system-packages:
	@bash scripts/ensure_system_packages.sh

test: setup system-packages
	$(PYTHON) -m pytest

demo-code: setup
	@$(PYTHON) manage.py demo_code
