import os

from django.core.wsgi import get_wsgi_application

from vigie.core.i18n import ensure_catalogues

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigie.settings.development")
ensure_catalogues()  # before Django reads them: the first page is in French (vigie.core.i18n)
application = get_wsgi_application()
