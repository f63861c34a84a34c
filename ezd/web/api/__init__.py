"""The REST API (``/api/v1``), documented by the OpenAPI spec at ``/api/openapi.json``."""
