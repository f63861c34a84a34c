"""Domain error tree.

EzdError                        -- anything the user can be told in one line
├── NotFound                    -- a record that does not exist (or that you may not see)
├── PermissionDenied            -- role × unit × tenant check failed
├── InvalidInput                -- bad data supplied by the user or a sender
│   └── (xml rejections live in ezd.xmlsafe and are translated to InvalidInput by services)
├── InvalidState                -- an action not allowed in the record's current state
└── ConflictError               -- a concurrent change won; retry
JRWA errors (records.jrwa.JrwaError and subclasses) are ValueErrors and are also reported in one line.
"""


class EzdError(Exception):
    """Base of all errors reported to users as one clear line."""


class NotFound(EzdError):
    pass


class PermissionDenied(EzdError):
    pass


class InvalidInput(EzdError):
    pass


class InvalidState(EzdError):
    pass


class ConflictError(EzdError):
    pass
