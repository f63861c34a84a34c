"""The demo partnership and the end-to-end demo run (``ezd demo``)."""
