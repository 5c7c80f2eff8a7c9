"""Production settings come from the environment, and docker-compose speaks the same names."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "PORTAL_ENV": "production",
    "DJANGO_SECRET_KEY": "x" * 64 + "-a-real-random-secret-for-the-check-0123456789",
    "DJANGO_ALLOWED_HOSTS": "portal.agency.example",
    "PORTAL_BASE_URL": "https://portal.agency.example",
    "DATABASE_URL": "postgres://portal:secret@db.internal:5432/portal",
    "REDIS_URL": "redis://redis.internal:6379/0",
}


def _manage(*args, env_extra):
    env = {key: value for key, value in os.environ.items() if key not in PRODUCTION_ENV and key not in ("EMAIL_BACKEND", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(env_extra)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_passes_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env_extra=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_a_required_value(missing):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}
    result = _manage("check", env_extra=env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_a_malformed_value_is_named_in_the_error():
    result = _manage("check", env_extra={**PRODUCTION_ENV, "AGENCY_OFFICE_OPENS": "eight o'clock"})
    assert result.returncode != 0
    assert "AGENCY_OFFICE_OPENS" in result.stderr


def _settings_variables() -> set[str]:
    source = (ROOT / "portal" / "settings.py").read_text()
    return set(re.findall(r'env_(?:str|bool|int|list|time)\(\s*"([A-Z_]+)"', source)) | set(
        re.findall(r'os\.environ\.get\("([A-Z_]+)"', source)
    )


def test_compose_has_every_service_of_the_production_stack():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert {"postgres", "redis", "web", "worker", "beat", "mailpit"} <= set(compose["services"])
    assert "gunicorn" in " ".join(compose["services"]["web"]["command"])
    assert "worker" in compose["services"]["worker"]["command"]
    assert "beat" in compose["services"]["beat"]["command"]


def test_compose_and_env_example_use_only_variables_the_settings_read():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    known = _settings_variables()
    for name in ("web", "worker", "beat"):
        service = compose["services"][name]
        assert service["env_file"] == ".env"
        unknown = set(service.get("environment", {})) - known
        assert not unknown, f"{name} sets variables the settings never read: {unknown}"
    example = {line.split("=", 1)[0] for line in (ROOT / ".env.example").read_text().splitlines() if line and not line.startswith("#")}
    assert example == known, f"only in .env.example: {example - known}; only in settings: {known - example}"


@pytest.mark.parametrize(
    "env_extra",
    [
        {**PRODUCTION_ENV, "DJANGO_DEBUG": "true"},
        {"PORTAL_ENV": "development", "DJANGO_DEBUG": "true", "DJANGO_ALLOWED_HOSTS": "portal.agency.example"},
    ],
    ids=["production", "a-public-host"],
)
def test_debug_cannot_be_on_where_anyone_else_can_reach_the_portal(env_extra):
    result = _manage("check", env_extra=env_extra)
    assert result.returncode != 0 and "DJANGO_DEBUG can be on only in development" in result.stderr
