"""The crawler's one spider: ``reports``."""
