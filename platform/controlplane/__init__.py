"""The Django project: settings, URL confs, ASGI/WSGI entry points and the Celery app.

This package lives in ``platform/``, a source root without ``__init__.py``: a regular
package named ``platform`` would shadow the standard library module of that name.
"""

from .celery import app as celery_app

__all__ = ["celery_app"]
