"""sozialplan: integrierte Sozialplanung for German districts (LSZ Thüringen)."""

__version__ = "0.1.0"
