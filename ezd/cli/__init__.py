"""The ``ezd`` command line."""
