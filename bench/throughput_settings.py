"""The portal's settings with bench/throughput_urls.py as the URL conf, for bench/page_throughput.py.

BENCH_STATIC_ROOT: collect static files into the bench's own directory, not the tree's staticfiles/.
BENCH_NO_MIDDLEWARE=1: for the floor baseline, only allauth's AccountMiddleware (allauth refuses to start without it; it
costs a namespace and a context variable per request), none of the portal's. The bare view only: the pages need theirs.

portal/settings.py is loaded from its file, not imported: importing it as portal.settings would first run
portal/__init__.py, whose Celery app reads the settings, that is this module, before it exists.
"""

import importlib.util
import os
from pathlib import Path

_spec = importlib.util.spec_from_file_location("bench_portal_settings", Path(__file__).resolve().parent.parent / "portal" / "settings.py")
_portal = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_portal)
globals().update({name: value for name, value in vars(_portal).items() if name.isupper()})

ROOT_URLCONF = "bench.throughput_urls"
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT") or _portal.STATIC_ROOT
if os.environ.get("BENCH_NO_MIDDLEWARE") == "1":
    MIDDLEWARE = ["allauth.account.middleware.AccountMiddleware"]
else:
    MIDDLEWARE = list(_portal.MIDDLEWARE)
