"""Settings for the test suite: production-like, but plain HTTP and immediate tasks."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

_TEST_ENV = {
    "REENTRYKIT_DEBUG": "0",
    "REENTRYKIT_HTTPS": "0",
    "REENTRYKIT_DEMO": "0",
    "REENTRYKIT_SECRET_KEY": "test-secret-key-not-for-production-0123456789abcdef",
    "REENTRYKIT_MASTER_KEY": "test-master-key-not-for-production",
    "REENTRYKIT_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
    # No synthetic county in the demo seed by default: the data module's own test
    # turns it on, so the many tests that seed the demo stay fast.
    "REENTRYKIT_DEMO_SYNTH_PEOPLE": "0",
    "REENTRYKIT_ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
    "REENTRYKIT_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "REENTRYKIT_VAR_DIR": os.path.join(tempfile.gettempdir(), f"reentrykit-test-{os.getpid()}"),
}
for _name, _value in _TEST_ENV.items():
    os.environ.setdefault(_name, _value)

from config.settings import *  # noqa: E402, F403
from config.settings import DATA_DIR, STATIC_ROOT  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast in tests only
# Static files are looked up when asked for, not listed when the middleware starts:
# every test client starts it anew, and listing the thousands of vendored files took
# most of a page test's time.
WHITENOISE_AUTOREFRESH = True
# The process that makes the per-process directory removes it when it exits; a child
# process inherits the variable, finds the directory there and leaves it to its parent.
_VAR_DIR = os.environ["REENTRYKIT_VAR_DIR"]
if _TEST_ENV["REENTRYKIT_VAR_DIR"] == _VAR_DIR and not os.path.exists(_VAR_DIR):
    atexit.register(shutil.rmtree, _VAR_DIR, ignore_errors=True)
DATA_DIR.mkdir(parents=True, exist_ok=True)
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
