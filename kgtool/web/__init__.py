"""The web face: the static site (``site/``), the HTTP server, negotiation and workers."""
