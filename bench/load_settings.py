"""The portal's settings, with the load benchmark's reference view added to its URLs.

Used only by ``bench/load.py``'s gunicorn (DJANGO_SETTINGS_MODULE=bench.load_settings).
"""

from config.settings import *  # noqa: F403  (the portal's settings, unchanged)

ROOT_URLCONF = "bench.load_urls"
