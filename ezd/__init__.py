"""ezd application shell: settings, composition root, database, services, CLI and web."""

__version__ = "0.1.0"
