"""The domain core of ezd: plain Python rules with no I/O.

Modules:
    errors     -- the error tree every layer above raises and the CLI/API render
    tenancy    -- tenants (partner institutions), units, roles, substitutions (zastępstwa)
    jrwa       -- the uniform file list (JRWA) and archival categories
    registers  -- RPW numbers (register of incoming items)
    cases      -- case signs (znak sprawy) and the case state machine
    metryka    -- the hash chain of the metryka sprawy
    intake     -- incoming-item metadata (instrukcja kancelaryjna minimum)
"""
