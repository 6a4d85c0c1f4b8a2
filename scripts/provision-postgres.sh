#!/usr/bin/env bash
# Installs and starts PostgreSQL 15 with pgvector on a Debian 12 (bookworm) machine, then makes sure the
# olorin role and database exist. Idempotent: every step checks before it acts.
# pgvector has no bookworm binary package, so it is built from the Debian *source* package of the
# next suite, fetched through the mirror this machine's apt sources already name (never hard-coded).
set -euo pipefail
cd /  # su postgres -c … below must not start in a directory the postgres user cannot enter

PG_MAJOR=15
PG_USER="${OLORIN_PG_USER:-olorin}"
PG_PASSWORD="${OLORIN_PG_PASSWORD:-olorin}"
PG_DB="${OLORIN_PG_DB:-olorin}"
PGVECTOR_SUITE="${OLORIN_PGVECTOR_SUITE:-trixie}"
DEBIAN_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

log() { echo "[provision] $*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# The first non-security Debian mirror in this machine's own apt sources (deb822 stanzas, then the one-line
# format), preferring entries for the machine's own suite. Printed, never stored.
debian_mirror() {
  local codename f found
  codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    found="$(awk -v codename="$codename" '
      function flush() {
        if (uri != "" && uri !~ /security/ && (codename == "" || suites ~ ("(^| )" codename "( |$)"))) { print uri; done = 1; exit }
        uri = ""; suites = ""
      }
      /^[[:space:]]*$/ { flush(); next }
      /^URIs:/ { uri = $2 }
      /^Suites:/ { $1 = ""; suites = substr($0, 2) }
      END { if (!done) flush() }' "$f")"
    if [ -n "$found" ]; then echo "$found"; return; fi
  done
  if [ -f /etc/apt/sources.list ]; then
    awk -v codename="$codename" '$1 == "deb" && $0 !~ /security/ {
      for (i = 2; i < NF; i++) if ($i ~ /^(https?|file):/ && (codename == "" || $(i + 1) == codename)) { print $i; exit } }' /etc/apt/sources.list
  fi
}

# 1. PostgreSQL server
if [ ! -x "/usr/lib/postgresql/$PG_MAJOR/bin/postgres" ]; then
  log "installing postgresql-$PG_MAJOR"
  apt_install "postgresql-$PG_MAJOR" postgresql-contrib
fi

# 2. pgvector, built from the Debian source package. Only the server headers are needed: they are unpacked from
#    the postgresql-server-dev-15 .deb into the scratch directory instead of installing that package, whose
#    dependencies (clang, LLVM) would take minutes to install on a bare machine. The build uses the PGXS makefiles
#    that postgresql-client-15 already ships, without LLVM bitcode.
if [ ! -f "/usr/share/postgresql/$PG_MAJOR/extension/vector.control" ]; then
  log "building pgvector from the Debian source package ($PGVECTOR_SUITE)"
  apt_install gcc make libc6-dev
  mirror="$(debian_mirror)"
  [ -n "$mirror" ] || { log "no Debian mirror found in the apt sources"; exit 1; }
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  # apt downloads as the unprivileged _apt user: let it read the scratch tree and write the download dir.
  chmod 755 "$work"
  mkdir -p "$work/lists/partial" "$work/download" "$work/headers" "$work/src"
  if id _apt >/dev/null 2>&1; then chown _apt "$work/download"; fi

  server_version="$(dpkg-query -W -f='${Version}' "postgresql-$PG_MAJOR")"
  (cd "$work/download" && { as_root apt-get download -qq "postgresql-server-dev-$PG_MAJOR=$server_version" 2>/dev/null \
    || as_root apt-get download -qq "postgresql-server-dev-$PG_MAJOR"; } >/dev/null)
  dpkg-deb -x "$(ls "$work"/download/postgresql-server-dev-*.deb | head -n1)" "$work/headers"

  echo "deb-src [signed-by=$DEBIAN_KEYRING] $mirror $PGVECTOR_SUITE main" > "$work/sources.list"
  apt_opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=/dev/null" -o "Dir::State::Lists=$work/lists")
  as_root apt-get "${apt_opts[@]}" update -qq
  (cd "$work/download" && as_root apt-get "${apt_opts[@]}" source --download-only -qq pgvector >/dev/null)
  tar -xf "$(ls "$work"/download/pgvector_*.orig.tar.* | head -n1)" -C "$work/src" --strip-components=1

  make_args=(-C "$work/src" -s PG_CONFIG="/usr/lib/postgresql/$PG_MAJOR/bin/pg_config" with_llvm=no
    includedir_server="$work/headers/usr/include/postgresql/$PG_MAJOR/server")
  make "${make_args[@]}" >/dev/null
  as_root make "${make_args[@]}" install >/dev/null
fi

# 3. A running cluster
if ! pg_lsclusters -h 2>/dev/null | awk -v v="$PG_MAJOR" '$1==v && $2=="main"' | grep -q .; then
  log "creating cluster $PG_MAJOR/main"
  as_root pg_createcluster "$PG_MAJOR" main >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$PG_MAJOR" '$1==v && $2=="main" {print $4}' | grep -q online; then
  log "starting cluster $PG_MAJOR/main"
  as_root pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" main start
fi
for _ in $(seq 1 30); do
  as_root su postgres -c "pg_isready -q" && break
  sleep 1
done

# 4. Role and database (superuser: the test suite creates one database per test class)
# "a, b" (SHOW shared_preload_libraries) -> 'a', 'b': the list form ALTER SYSTEM SET takes for a list setting.
preload_list() {
  local out="" lib
  local IFS=','
  for lib in ${1// /}; do out+="${out:+, }'$lib'"; done
  printf '%s' "$out"
}
psql_admin() { as_root su postgres -c "PGOPTIONS='-c client_min_messages=warning' psql -v ON_ERROR_STOP=1 -qAt $*"; }
if [ "$(psql_admin "-c \"SELECT 1 FROM pg_roles WHERE rolname='$PG_USER'\"")" != "1" ]; then
  log "creating role $PG_USER"
  psql_admin "-c \"CREATE ROLE \\\"$PG_USER\\\" LOGIN SUPERUSER PASSWORD '$PG_PASSWORD'\""
fi
if [ "$(psql_admin "-c \"SELECT 1 FROM pg_database WHERE datname='$PG_DB'\"")" != "1" ]; then
  log "creating database $PG_DB"
  psql_admin "-c \"CREATE DATABASE \\\"$PG_DB\\\" OWNER \\\"$PG_USER\\\"\""
fi
psql_admin "-d \"$PG_DB\" -c \"CREATE EXTENSION IF NOT EXISTS vector\""
# pg_prewarm (contrib, shipped with PostgreSQL): the server loads the HNSW index into shared buffers with it after a
# start when it exists in the database; the server itself never creates an extension.
psql_admin "-d \"$PG_DB\" -c \"CREATE EXTENSION IF NOT EXISTS pg_prewarm\""

# 5. Sized to this machine (skip with OLORIN_PG_TUNE=0). The Debian defaults (shared_buffers 128 MB) hold less than
#    one 100k-row table with its HNSW index. shared_buffers: 25% of RAM, at most 8 GB; effective_cache_size: 75% of
#    RAM (what the planner may assume the OS caches); maintenance_work_mem: RAM/16, at most 2 GB (HNSW builds fit in
#    memory). ssl=off: the cluster listens on loopback only, where TLS costs a handshake and encryption per connection
#    and protects nothing. pg_prewarm in shared_preload_libraries (its autoprewarm worker, contrib, on by default once
#    loaded): the buffers' block list is saved every 5 minutes and at shutdown and read back after a restart, so the
#    HNSW index is not read from disk one similarity search at a time after a restart (docs/performance.md, "Session
#    6: HNSW path"); the server also prewarms the index itself at start-up where it may create the extension.
#    Written with ALTER SYSTEM (postgresql.auto.conf); a restart happens only when a setting that needs one
#    (shared_buffers, shared_preload_libraries) actually changed.
if [ "${OLORIN_PG_TUNE:-1}" != "0" ]; then
  mem_mb=$(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 ))
  # In a container /proc/meminfo shows the host; the cgroup limit (v2, then v1) is what this machine really has.
  for limit_file in /sys/fs/cgroup/memory.max /sys/fs/cgroup/memory/memory.limit_in_bytes; do
    limit="$(cat "$limit_file" 2>/dev/null || true)"
    if [[ "$limit" =~ ^[0-9]+$ ]] && [ $(( limit / 1048576 )) -lt "$mem_mb" ]; then mem_mb=$(( limit / 1048576 )); fi
  done
  shared_mb=$(( mem_mb / 4 )); [ "$shared_mb" -gt 8192 ] && shared_mb=8192; [ "$shared_mb" -lt 128 ] && shared_mb=128
  cache_mb=$(( mem_mb * 3 / 4 ))
  maint_mb=$(( mem_mb / 16 )); [ "$maint_mb" -gt 2048 ] && maint_mb=2048; [ "$maint_mb" -lt 64 ] && maint_mb=64
  listen="$(psql_admin "-c \"SHOW listen_addresses\"")"
  tune=(
    "shared_buffers = '${shared_mb}MB'"
    "effective_cache_size = '${cache_mb}MB'"
    "maintenance_work_mem = '${maint_mb}MB'"
  )
  case "$listen" in localhost|127.0.0.1|::1|"127.0.0.1,::1"|"localhost,127.0.0.1") tune+=("ssl = off") ;; esac
  preload="$(psql_admin "-c \"SHOW shared_preload_libraries\"")"
  case ",${preload// /}," in
    *,pg_prewarm,*) ;;
    ,,) tune+=("shared_preload_libraries = 'pg_prewarm'") ;;
    # One quoted element per library: a single 'a,pg_prewarm' would be stored as the one name "a,pg_prewarm".
    *) tune+=("shared_preload_libraries = $(preload_list "$preload"), 'pg_prewarm'") ;;
  esac
  for setting in "${tune[@]}"; do psql_admin "-c \"ALTER SYSTEM SET $setting\""; done
  psql_admin "-c \"SELECT pg_reload_conf()\"" >/dev/null
  sleep 1
  if [ "$(psql_admin "-c \"SELECT count(*) FROM pg_settings WHERE pending_restart\"")" != "0" ]; then
    log "restarting cluster $PG_MAJOR/main for shared_buffers = ${shared_mb}MB"
    if ! as_root pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" main restart; then
      # Never leave a setting the server cannot start with in postgresql.auto.conf: back to the defaults, start again.
      log "restart with shared_buffers = ${shared_mb}MB failed; resetting the tuned settings"
      # The server is down, so ALTER SYSTEM RESET cannot run: the lines go from the Debian cluster's auto.conf.
      as_root sed -i -E '/^(shared_buffers|effective_cache_size|maintenance_work_mem|shared_preload_libraries) = /d' \
        "/var/lib/postgresql/$PG_MAJOR/main/postgresql.auto.conf"
      as_root pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" main start
    fi
    for _ in $(seq 1 30); do as_root su postgres -c "pg_isready -q" && break; sleep 1; done
  fi
  log "tuned: shared_buffers ${shared_mb}MB, effective_cache_size ${cache_mb}MB, maintenance_work_mem ${maint_mb}MB, pg_prewarm preloaded${listen:+, listen_addresses $listen}"
fi
log "PostgreSQL $PG_MAJOR with pgvector is ready (database $PG_DB, role $PG_USER)"
