import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# What start-up made lives as long as the worker: kept out of the garbage collector's passes,
# which otherwise walk all of it now and then in the middle of a request (tens of ms).
gc.collect()
gc.freeze()
