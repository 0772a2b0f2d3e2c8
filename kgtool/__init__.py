"""kgtool: a knowledge graph of Swedish inter-municipal collaboration (kommunal samverkan)."""

__version__ = "0.1.0"
