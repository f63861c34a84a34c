#!/bin/sh
# First start of the postgres container: a second database for the Operaton engine.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE DATABASE ezd_engine OWNER "$POSTGRES_USER" ENCODING 'UTF8' TEMPLATE template0;
SQL
