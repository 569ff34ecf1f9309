-- Backbeat's PostgreSQL roles, least privilege (run once as the server's superuser:
--   psql -v owner_pw="'…'" -v station_pw="'…'" -v backup_pw="'…'" -f roles.sql
-- the compose file runs it on the first start with the passwords from its .env).
--   backbeat_owner    owns the database and its tables: only `backbeat db upgrade`
--                     (after installing a new Backbeat) connects as it.
--   backbeat_station  every TV, kiosk and trainer: reads and writes rows, cannot
--                     change the schema, drop tables or read other databases.
--   backbeat_backup   the nightly pg_dump: reads everything, writes nothing.
CREATE ROLE backbeat_owner LOGIN PASSWORD :owner_pw;
CREATE ROLE backbeat_station LOGIN PASSWORD :station_pw;
CREATE ROLE backbeat_backup LOGIN PASSWORD :backup_pw;
CREATE DATABASE backbeat OWNER backbeat_owner;
REVOKE ALL ON DATABASE backbeat FROM PUBLIC;
GRANT CONNECT ON DATABASE backbeat TO backbeat_station, backbeat_backup;
\connect backbeat
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO backbeat_owner;
GRANT USAGE ON SCHEMA public TO backbeat_station, backbeat_backup;
-- tables and sequences the owner's migrations create from now on
ALTER DEFAULT PRIVILEGES FOR ROLE backbeat_owner IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO backbeat_station;
ALTER DEFAULT PRIVILEGES FOR ROLE backbeat_owner IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO backbeat_station;
ALTER DEFAULT PRIVILEGES FOR ROLE backbeat_owner IN SCHEMA public
  GRANT SELECT ON TABLES TO backbeat_backup;
ALTER DEFAULT PRIVILEGES FOR ROLE backbeat_owner IN SCHEMA public
  GRANT SELECT ON SEQUENCES TO backbeat_backup;
