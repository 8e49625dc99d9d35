"""aerolite: server-side background operations over Aerospike-style datasets."""

__version__ = "0.1.0"
