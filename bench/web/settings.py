"""Production settings as the environment gives them, plus the benchmark's baseline
URLs. Persistent connections: DB_CONN_MAX_AGE seconds (the product's setting once it
exists; set here too so that the benchmark measures the same thing either way)."""

import os

from config.settings import *  # noqa: F403
from config.settings import DATABASES

ROOT_URLCONF = "bench.web.urls"
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DB_CONN_MAX_AGE", "600"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
