"""Where releases live in a project: ``releases/VERSION/kommunsamverkan.nq`` and the rest."""

RELEASES = "releases"
DUMP = "kommunsamverkan"
