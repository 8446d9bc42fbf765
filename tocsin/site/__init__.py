"""The public status site (issue 25, point 5): a static folder of HTML pages, Atom feeds and
CAP 1.2 messages, regenerated atomically from the published statements of every crisis, served
on loopback or copied to any web server.

``publish(site, path)`` writes it; ``build(site)`` gives its files; ``serve(path)`` serves it.
"""

from tocsin.site.atomic import SiteError, publish
from tocsin.site.build import build
from tocsin.site.models import Crisis, Site, Statement
from tocsin.site.serve import SiteServer, serve

__all__ = ["Crisis", "Site", "SiteError", "SiteServer", "Statement", "build", "publish", "serve"]
