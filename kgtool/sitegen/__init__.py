"""The linked-data site: dumps, VoID/DCAT metadata and HTML pages (used by publish and serve)."""
