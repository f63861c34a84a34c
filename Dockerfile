# ezd application image: the API (ezd serve), the workers (ezd worker external|celery) and the
# scheduler (ezd worker beat) all run from this one image with different commands.
#   docker build -t ezd .
FROM python:3.11.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update && apt-get install -y --no-install-recommends build-essential libxml2-dev libxslt1-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml constraints.txt README* ./
COPY ezd ezd
COPY records records
COPY workflow workflow
COPY workers workers
COPY storage storage
COPY signatures signatures
COPY bpmn bpmn
RUN python -m venv /opt/ezd && /opt/ezd/bin/pip install -c constraints.txt .

FROM python:3.11.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends libxml2 libxslt1.1 libpango-1.0-0 libpangoft2-1.0-0 ocrmypdf tesseract-ocr-pol curl procps \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/ezd --create-home ezd
COPY --from=build /opt/ezd /opt/ezd
ENV PATH=/opt/ezd/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    EZD_HOME=/var/lib/ezd
USER ezd
WORKDIR /var/lib/ezd
EXPOSE 8000
# Override per service: "ezd worker external", "ezd worker celery", "ezd worker beat".
CMD ["ezd", "serve", "--host", "0.0.0.0", "--port", "8000"]
