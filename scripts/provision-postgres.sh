#!/usr/bin/env bash
# Installs and starts PostgreSQL 15 with pgvector on a Debian 12 (bookworm) machine, then makes sure the
# olorin role and database exist. Idempotent: every step checks before it acts.
# pgvector has no bookworm binary package, so it is built from the Debian *source* package of the
# next suite, fetched through the mirror this machine's apt sources already name (never hard-coded).
set -euo pipefail
cd /  # su postgres -c … below must not start in a directory the postgres user cannot enter

PG_MAJOR=15
# The cluster to provision: Debian's "main" (port 5432); another name (a scratch cluster, to try this script without
# restarting the one in use) is created on the next free port.
PG_CLUSTER="${OLORIN_PG_CLUSTER:-main}"
# OLORIN_PG_DRY_RUN=1: step 5 prints the settings it would change and whether a restart would follow, and changes
# nothing (steps 1-4 still run: they never restart the server).
DRY_RUN="${OLORIN_PG_DRY_RUN:-0}"
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
cluster_field() { pg_lsclusters -h 2>/dev/null | awk -v v="$PG_MAJOR" -v c="$PG_CLUSTER" -v f="$1" '$1==v && $2==c {print $f}'; }
if [ -z "$(cluster_field 2)" ]; then
  log "creating cluster $PG_MAJOR/$PG_CLUSTER"
  as_root pg_createcluster "$PG_MAJOR" "$PG_CLUSTER" >/dev/null
fi
if ! cluster_field 4 | grep -q online; then
  log "starting cluster $PG_MAJOR/$PG_CLUSTER"
  as_root pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" "$PG_CLUSTER" start
fi
PG_PORT="$(cluster_field 3)"
PG_DATA="$(cluster_field 6)"
wait_ready() { for _ in $(seq 1 30); do as_root su postgres -c "pg_isready -q -p $PG_PORT" && break; sleep 1; done; }
wait_ready

# 4. Role and database (superuser: the test suite creates one database per test class)
# "a, b" (SHOW shared_preload_libraries) -> 'a', 'b': the list form ALTER SYSTEM SET takes for a list setting.
preload_list() {
  local out="" lib
  local IFS=','
  for lib in ${1// /}; do out+="${out:+, }'$lib'"; done
  printf '%s' "$out"
}
psql_admin() { as_root su postgres -c "PGOPTIONS='-c client_min_messages=warning' psql -p $PG_PORT -v ON_ERROR_STOP=1 -qAt $*"; }
# "name = value" (as ALTER SYSTEM SET takes it) -> "t|context" when the running value differs, "f|context" when not.
# Memory settings are compared in bytes (SHOW says 8GB for 8192MB), the others as text without quotes and spaces.
setting_differs() {
  local name="${1%% =*}" raw="${1#*= }"
  raw="${raw//\'/}"
  # (The sizes are computed only for memory units: a CASE on a constant alone would be folded, and fail, for 'off'.)
  printf '%s\n' "SELECT coalesce(
        pg_size_bytes(CASE WHEN unit IN ('B', 'kB', '8kB', 'MB') THEN '$raw' END)
          <> (CASE WHEN unit IN ('B', 'kB', '8kB', 'MB') THEN setting::bigint END) * pg_size_bytes(CASE WHEN unit IN ('B', 'kB', 'MB') THEN '1 ' || unit WHEN unit = '8kB' THEN unit END),
        replace(setting, ' ', '') <> replace('$raw', ' ', '')), context
    FROM pg_settings WHERE name = '$name'" | as_root su postgres -c "psql -p $PG_PORT -v ON_ERROR_STOP=1 -qAt"
}
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
#    max_connections: one server with a pool at Npgsql's own size (Maximum Pool Size=100; the server's default is 16
#    since session 13) holds main pool 100 + by-id read pool 25 + vector search pool (one per core, at most 100)
#    connections (docs/configuration.md, "PostgreSQL connection budget"), which PostgreSQL's default of 100 less the 3
#    superuser-reserved ones does not hold; sized to that budget on this machine's cores, the reserved connections, and 70 more for the test suite (its own pools per test
#    class), the operator tools, psql and the change relay's pool of 2 (opened in dual only), rounded up to a multiple
#    of 10: 200 on 2 cores. OLORIN_PG_MAX_CONNECTIONS
#    overrides it. Only raised, never lowered (a larger value an operator chose stays). Idle slots cost little shared
#    memory; what costs memory is busy backends, which the pools open only under load.
#    min_wal_size 1 GB, max_wal_size 4 GB (PostgreSQL: 80 MB and 1 GB): a checkpoint keeps as many finished WAL
#    segments for reuse as min_wal_size (or its estimate of the next cycle) allows and deletes the rest; a burst of
#    writes past them makes the committing backend create a segment, 16 MB written with zeros and fsynced while it
#    holds WALWriteLock, so every commit of the cluster waits (IO:WALInitWrite/WALInitSync under POST load, the other
#    committers 60-110 ms in LWLock:WALWrite: docs/performance.md, "Session 8: POST P99"). 1 GB kept covers a
#    minute of the POST benchmark's WAL; max_wal_size 4 GB lets a sustained write load run minutes, not 70 s, between
#    WAL-triggered checkpoints (each one ends with data-file fsyncs on the disk the WAL flushes to). Both only raised
#    (a larger value an operator chose stays), max_wal_size at most a tenth of the free space of the data directory's
#    file system and min_wal_size at most a quarter of max_wal_size; OLORIN_PG_MIN_WAL_SIZE_MB / OLORIN_PG_MAX_WAL_SIZE_MB override them. Both take effect on reload.
#    Written with ALTER SYSTEM (postgresql.auto.conf), only the settings whose running value differs; a restart
#    happens only when a setting that needs one (shared_buffers, shared_preload_libraries, max_connections) changed.
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
  cores="$(nproc)"; search=$(( cores > 100 ? 100 : cores ))
  reserved="$(psql_admin "-c \"SHOW superuser_reserved_connections\"")"
  max_conn="${OLORIN_PG_MAX_CONNECTIONS:-$(( (100 + 25 + search + reserved + 70 + 9) / 10 * 10 ))}"
  have_conn="$(psql_admin "-c \"SHOW max_connections\"")"
  tune=(
    "shared_buffers = '${shared_mb}MB'"
    "effective_cache_size = '${cache_mb}MB'"
    "maintenance_work_mem = '${maint_mb}MB'"
  )
  if [ "$have_conn" -lt "$max_conn" ]; then tune+=("max_connections = $max_conn"); else max_conn="$have_conn"; fi
  # The data directory may be readable by root/postgres only; without an answer, plan for the defaults' 40 GB.
  free_kb="$(as_root df -Pk "$PG_DATA" 2>/dev/null | awk 'NR == 2 {print $4}' || true)"
  free_mb=$(( ${free_kb:-41943040} / 1024 ))
  max_wal_mb="${OLORIN_PG_MAX_WAL_SIZE_MB:-$(( free_mb / 10 < 4096 ? free_mb / 10 : 4096 ))}"
  min_wal_mb="${OLORIN_PG_MIN_WAL_SIZE_MB:-$(( max_wal_mb / 4 < 1024 ? max_wal_mb / 4 : 1024 ))}"
  # pg_settings gives both in MB.
  have_max_wal="$(psql_admin "-c \"SELECT setting FROM pg_settings WHERE name = 'max_wal_size'\"")"
  have_min_wal="$(psql_admin "-c \"SELECT setting FROM pg_settings WHERE name = 'min_wal_size'\"")"
  if [ "$have_max_wal" -lt "$max_wal_mb" ]; then tune+=("max_wal_size = '${max_wal_mb}MB'"); else max_wal_mb="$have_max_wal"; fi
  # min_wal_size above max_wal_size would be ignored by the checkpointer; never set it so.
  [ "$min_wal_mb" -gt "$max_wal_mb" ] && min_wal_mb="$max_wal_mb"
  if [ "$have_min_wal" -lt "$min_wal_mb" ]; then tune+=("min_wal_size = '${min_wal_mb}MB'"); else min_wal_mb="$have_min_wal"; fi
  case "$listen" in localhost|127.0.0.1|::1|"127.0.0.1,::1"|"localhost,127.0.0.1") tune+=("ssl = off") ;; esac
  preload="$(psql_admin "-c \"SHOW shared_preload_libraries\"")"
  case ",${preload// /}," in
    *,pg_prewarm,*) ;;
    ,,) tune+=("shared_preload_libraries = 'pg_prewarm'") ;;
    # One quoted element per library: a single 'a,pg_prewarm' would be stored as the one name "a,pg_prewarm".
    *) tune+=("shared_preload_libraries = $(preload_list "$preload"), 'pg_prewarm'") ;;
  esac
  changed=(); restart_for=()
  for setting in "${tune[@]}"; do
    IFS='|' read -r differs context <<< "$(setting_differs "$setting")"
    [ -n "$differs" ] || { log "could not read the setting ${setting%% =*}"; exit 1; }
    [ "$differs" = "t" ] || continue
    changed+=("$setting")
    [ "$context" = "postmaster" ] && restart_for+=("${setting%% =*}")
  done
  if [ "$DRY_RUN" = "1" ]; then
    for setting in "${changed[@]}"; do log "dry run: would ALTER SYSTEM SET $setting"; done
    if [ "${#restart_for[@]}" -gt 0 ]; then log "dry run: would restart cluster $PG_MAJOR/$PG_CLUSTER for ${restart_for[*]}"
    else log "dry run: no restart needed"; fi
  elif [ "${#changed[@]}" -gt 0 ]; then
    for setting in "${changed[@]}"; do psql_admin "-c \"ALTER SYSTEM SET $setting\""; done
    psql_admin "-c \"SELECT pg_reload_conf()\"" >/dev/null
    sleep 1
    # Only for a setting this run changed (as the dry run says): a restart an operator left pending is theirs to do.
    if [ "${#restart_for[@]}" -gt 0 ]; then
      log "restarting cluster $PG_MAJOR/$PG_CLUSTER for ${restart_for[*]:-a changed setting}"
      if ! as_root pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" "$PG_CLUSTER" restart; then
        # Never leave a setting the server cannot start with in postgresql.auto.conf: back to the defaults, start again.
        log "restart failed; resetting the tuned settings"
        # The server is down, so ALTER SYSTEM RESET cannot run: the lines go from the Debian cluster's auto.conf.
        as_root sed -i -E '/^(shared_buffers|effective_cache_size|maintenance_work_mem|shared_preload_libraries|max_connections) = /d' \
          "$PG_DATA/postgresql.auto.conf"
        as_root pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" "$PG_CLUSTER" start
      fi
      wait_ready
    fi
  fi
  log "tuned: shared_buffers ${shared_mb}MB, effective_cache_size ${cache_mb}MB, maintenance_work_mem ${maint_mb}MB, max_connections ${max_conn}, min_wal_size ${min_wal_mb}MB, max_wal_size ${max_wal_mb}MB, pg_prewarm preloaded${listen:+, listen_addresses $listen}$([ "$DRY_RUN" = "1" ] && echo " (dry run: as it would be)")"
fi
log "PostgreSQL $PG_MAJOR with pgvector is ready (database $PG_DB, role $PG_USER)"
