#!/bin/bash
# First start of the compose PostgreSQL (an empty volume): the two roles of dvpo/dbroles.py.
#   dvpo_owner  owns the database, its tables and the access log's trigger; `migrate` only.
#   dvpo_app    the web app, worker and beat; granted its privileges by the owner after every
#               migrate (SELECT and INSERT only on the access log). Owns nothing.
# Passwords come from the environment (DVPO_DB_OWNER_PASSWORD, DVPO_DB_APP_PASSWORD), never
# from this file. It runs only on an empty volume (the image's rule); for a volume made by an
# earlier docker-compose.yml see the README ("How the two database roles are set up").
set -euo pipefail
: "${DVPO_DB_OWNER_PASSWORD:?set DVPO_DB_OWNER_PASSWORD}"
: "${DVPO_DB_APP_PASSWORD:?set DVPO_DB_APP_PASSWORD}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v db="$POSTGRES_DB" \
  -v owner_password="$DVPO_DB_OWNER_PASSWORD" \
  -v app_password="$DVPO_DB_APP_PASSWORD" <<'SQL'
SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dvpo_owner') AS create_owner,
       NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dvpo_app') AS create_app \gset
\if :create_owner
CREATE ROLE dvpo_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
\endif
\if :create_app
CREATE ROLE dvpo_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
\endif
ALTER ROLE dvpo_owner PASSWORD :'owner_password';
ALTER ROLE dvpo_app PASSWORD :'app_password';
-- The owner owns the database, and so (PostgreSQL 15+) the public schema: it creates the
-- tables. Nobody else may create anything there or connect, apart from the app's role.
ALTER DATABASE :"db" OWNER TO dvpo_owner;
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO dvpo_app;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
