"""disclose: validate integrity-supervision records and publish them as a static site."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
