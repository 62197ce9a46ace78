#!/usr/bin/env bash
# PostgreSQL backups of Groundwork: pg_dump (custom format) into BACKUP_DIR, kept BACKUP_KEEP_DAYS
# days, and the restore of the latest one into a scratch database for `manage.py restore_check`.
#
#   backup.sh loop             a backup now if the last is over a day old, then one a night at BACKUP_AT
#   backup.sh once             one backup now, then remove the ones older than BACKUP_KEEP_DAYS
#   backup.sh restore [DB] [FILE]  FILE (default: the latest backup) into DB (default: <live>_restore)
#   backup.sh check            exit 0 when the latest backup is under BACKUP_MAX_AGE_HOURS old
#
# Needs DATABASE_URL (postgres://user:password@host:port/name) and PostgreSQL's client tools of
# the server's major version or newer (the compose service runs in the server's own image).
set -euo pipefail

: "${DATABASE_URL:?set DATABASE_URL to the database to back up (postgres://...)}"
BACKUP_DIR="${BACKUP_DIR:-var/backups}"
BACKUP_KEEP_DAYS="${BACKUP_KEEP_DAYS:-14}"
BACKUP_AT="${BACKUP_AT:-02:30}"
BACKUP_MAX_AGE_HOURS="${BACKUP_MAX_AGE_HOURS:-26}"

url_base="${DATABASE_URL%%\?*}"           # the URL without its ?sslmode=... part
url_query="${DATABASE_URL#"$url_base"}"
live_db="${url_base##*/}"

log() { printf '%s backup: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }

latest() {
  # Newest first by modification time; a dump still being written ends in .partial.
  find "$BACKUP_DIR" -maxdepth 1 -name "$live_db-*.dump" -printf '%T@ %p\n' 2>/dev/null \
    | sort -rn | head -n 1 | cut -d' ' -f2-
}

backup_once() {
  # Explicit `|| return` on each step: callers run this under `||`, where `set -e` is off.
  local file
  mkdir -p "$BACKUP_DIR" || return 1
  file="$BACKUP_DIR/$live_db-$(date -u +%Y%m%dT%H%M%SZ).dump"
  # Written under another name first, so a dump cut short is never taken for the latest.
  pg_dump --format=custom --file="$file.partial" --dbname="$DATABASE_URL" || return 1
  mv "$file.partial" "$file" || return 1
  log "wrote $file ($(du -h "$file" | cut -f1))"
  # Old backups go only after a good one, so failing backups never remove the last good ones.
  find "$BACKUP_DIR" -maxdepth 1 -name "$live_db-*.dump" -mmin +$((BACKUP_KEEP_DAYS * 1440)) \
    -print -delete | while read -r old; do log "removed $old (over $BACKUP_KEEP_DAYS days)"; done
  find "$BACKUP_DIR" -maxdepth 1 -name "$live_db-*.dump.partial" -mmin +1440 -delete
}

recent_backup() {
  find "$BACKUP_DIR" -maxdepth 1 -name "$live_db-*.dump" -mmin -$((BACKUP_MAX_AGE_HOURS * 60)) \
    2>/dev/null | grep -q .
}

seconds_until() {
  local now next
  now=$(date +%s)
  next=$(date -d "today $1" +%s)
  if [ "$next" -le "$now" ]; then next=$(date -d "tomorrow $1" +%s); fi
  echo $((next - now))
}

loop() {
  # PID 1 in a container: stop at once on `docker compose stop` instead of after the timeout.
  local pause failed=0 sleeper=""
  trap 'if [ -n "$sleeper" ]; then kill "$sleeper" 2>/dev/null; fi; exit 0' TERM INT
  # A fresh volume (or one whose last backup is old) gets a backup at once.
  if ! recent_backup; then
    backup_once || { failed=1; log "backup failed; trying again within the hour"; }
  fi
  while true; do
    pause=$(seconds_until "$BACKUP_AT")
    # After a failed try, the next one comes within the hour rather than the next night.
    if [ "$failed" = 1 ] && [ "$pause" -gt 3600 ]; then pause=3600; fi
    sleep "$pause" &
    sleeper=$!
    wait "$sleeper"
    failed=0
    backup_once || { failed=1; log "backup failed; trying again within the hour"; }
  done
}

restore() {
  local target="${1:-${live_db}_restore}" file="${2:-}"
  if [[ ! "$target" =~ ^[A-Za-z0-9_]+$ ]]; then
    log "the scratch database's name may hold only letters, digits and _: $target"; exit 2
  fi
  if [ "$target" = "$live_db" ]; then
    log "refusing to restore over the live database $live_db"; exit 2
  fi
  if [ -z "$file" ]; then file="$(latest)"; fi
  if [ -z "$file" ] || [ ! -f "$file" ]; then
    log "no backup of $live_db in $BACKUP_DIR"; exit 1
  fi
  PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 --dbname="$DATABASE_URL" \
    -c "DROP DATABASE IF EXISTS \"$target\" WITH (FORCE)" \
    -c "CREATE DATABASE \"$target\" TEMPLATE template0"
  # Owners and grants of the live server may not exist where the drill runs.
  pg_restore --no-owner --no-privileges --exit-on-error \
    --dbname="${url_base%/*}/$target$url_query" "$file"
  log "restored $file into $target"
}

case "${1:-loop}" in
  loop) loop ;;
  once) backup_once ;;
  restore) shift; restore "$@" ;;
  check) recent_backup ;;
  *) echo "usage: $0 [loop|once|restore [DB] [FILE]|check]" >&2; exit 2 ;;
esac
