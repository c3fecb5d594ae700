#!/usr/bin/env bash
# Writes the secrets deploy/compose.yaml mounts, those that are missing, into deploy/secrets/
# (or the folder given): the database owner's password and URL (PostgreSQL and `migrate`
# only), the service role's URL (web, workers), the staging key (32 random bytes, base64) and
# an admin API key (printed once, here, never into a container's log). The folder is private
# (0700) and each file 0600, owned by the one user that reads it: root for the database's
# password (PostgreSQL's entrypoint reads it as root), uid 10001 (the image's user) for the
# others. Rootless podman: the owner is set with `podman unshare` (read them the same way).
set -euo pipefail
dir="${1:-$(cd "$(dirname "$0")" && pwd)/secrets}"
mkdir -p "$dir" && chmod 0700 "$dir"
random() { head -c "$1" /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }
give() {  # $1: file, $2: the uid that reads it inside its container
    if [ "$(id -u)" = 0 ]; then
        chown "$2:$2" "$1"
    elif command -v podman >/dev/null 2>&1; then
        podman unshare chown "$2:$2" "$1"
    else
        echo "warning: $1 stays yours; the container user $2 must be able to read it" >&2
    fi
}
write() {  # $1: name, $2: value, $3: reader's uid
    if [ ! -s "$dir/$1" ]; then
        (umask 077 && printf '%s\n' "$2" > "$dir/$1")
        give "$dir/$1" "$3"
        echo "wrote $dir/$1"
    fi
}
read_secret() {  # what write() wrote, whoever owns it now
    if [ "$(id -u)" != 0 ] && command -v podman >/dev/null 2>&1; then
        podman unshare cat "$dir/$1"
    else
        cat "$dir/$1"
    fi
}
write db_password "$(random 24)" 0
write owner_database_url "postgresql+psycopg://postgres:$(read_secret db_password)@db:5432/userimport" 10001
write database_url "postgresql+psycopg://userimport_app:$(random 24)@db:5432/userimport" 10001
write staging_key "$(head -c 32 /dev/urandom | base64)" 10001
if [ ! -s "$dir/api_key" ]; then
    key="uik_$(random 32)"
    write api_key "$key" 10001
    echo "The admin API key (store it; it is in $dir/api_key): $key"
fi
