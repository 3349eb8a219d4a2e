"""What the browser tests' server serves: config.asgi's application, unchanged,
plus static files.

The test settings drop WhiteNoise and run with DEBUG off, so nothing would answer
`/static/…` and every page would reach the browser without its stylesheet (and
axe would judge contrast on unstyled pages). Django's own live server solves this
the same way: `ASGIStaticFilesHandler` answers the static URLs from the finders
and hands every other HTTP request, and every websocket, to the real application.
"""

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

from config.asgi import application as site_application

application = ASGIStaticFilesHandler(site_application)
