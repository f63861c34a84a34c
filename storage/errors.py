"""Storage error tree.

StorageError
├── ObjectNotFound      -- no object under that digest
├── IntegrityError      -- stored bytes do not hash to their address (corruption, tampering)
└── ObjectLocked        -- delete/overwrite refused: retention lock or legal hold in force
"""

from ezd.records.errors import EzdError


class StorageError(EzdError):
    """Base class for object-store failures."""


class ObjectNotFound(StorageError):
    pass


class IntegrityError(StorageError):
    pass


class ObjectLocked(StorageError):
    pass
