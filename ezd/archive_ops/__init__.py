"""The archivist's side of ezd: the archive register and search, lending, disposal (brakowanie),
fixity audits, transfer lists, archival packages (paczka archiwalna / BagIt) and imports.

Services here follow :mod:`ezd.services`: they take a session (or ``Deps``), never commit.
"""
