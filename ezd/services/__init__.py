"""Service layer: use cases called by the CLI, the web API, the demo and the workers.

Services take an open session (from the entrypoint's unit of work) and the injected ports; they
never commit.  Authorization (role × unit × tenant) is checked here, not in views.
"""
