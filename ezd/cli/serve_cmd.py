"""``ezd serve``: the web application (API + pages) on the embedded default."""

from __future__ import annotations

from typing import Annotated

import typer

from ezd.cli.common import console, started_app


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    worker: Annotated[
        bool, typer.Option("--worker/--no-worker", help="Run due worker tasks in-process (embedded default)")
    ] = True,
) -> None:
    """Serve the web UI and the REST API (docs at /api/docs)."""
    import uvicorn

    from ezd.web.app import create_app
    from ezd.web.worker import InProcessWorker

    app = started_app()
    background = InProcessWorker(app) if worker and app.settings.broker_url is None else None
    web = create_app(app, worker=background)
    if background is not None:
        background.start()
    console.print(f"ezd: http://{host}:{port}/  (API docs: http://{host}:{port}/api/docs)")
    try:
        uvicorn.run(web, host=host, port=port, log_level="info", access_log=False, server_header=False)
    finally:
        if background is not None:
            background.stop()
