"""Server-rendered pages (Jinja2 + htmx), Polish by default."""
