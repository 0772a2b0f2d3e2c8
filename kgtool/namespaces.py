"""Transitional: the validation modules still import from here; everything else uses terms.

Delete this file when validate/checks/fastshacl/report move into ``kgtool/checks/``
(their imports then read ``from kgtool.terms import …``).
"""

from kgtool.terms import ID, KS, PREFIXES, SCHEMA, SH, WD  # noqa: F401
