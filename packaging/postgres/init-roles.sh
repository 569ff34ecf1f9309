#!/bin/sh
# First start of the compose server: Backbeat's roles and database (roles.sql).
set -eu
psql -v ON_ERROR_STOP=1 -U postgres \
  -v owner_pw="'$OWNER_PW'" -v station_pw="'$STATION_PW'" -v backup_pw="'$BACKUP_PW'" \
  -f /roles.sql
