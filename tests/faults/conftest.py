from tests.distributed.conftest import engine_url  # noqa: F401 - fixture
