import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healing_together.settings")

application = get_wsgi_application()

# Everything loaded so far (Django, the apps, the compiled templates' modules) lives as long
# as the process: keep it out of the garbage collector's full passes, which otherwise walk
# those ~140,000 objects every few hundred requests (a pause of tens of milliseconds each).
gc.freeze()
