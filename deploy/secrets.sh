#!/usr/bin/env bash
# Writes the secrets deploy/compose.yaml mounts, those that are missing, into deploy/secrets/
# (or the folder given): a database password and the URL holding it, the staging key (32
# random bytes, base64) and an admin API key (printed once). The folder is private (0700);
# the files are readable by the containers' users (0644), which run as non-root.
set -euo pipefail
dir="${1:-$(cd "$(dirname "$0")" && pwd)/secrets}"
mkdir -p "$dir" && chmod 0700 "$dir"
random() { head -c "$1" /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }
write() {  # $1: name, $2: value
    if [ ! -s "$dir/$1" ]; then
        (umask 022 && printf '%s\n' "$2" > "$dir/$1")
        echo "wrote $dir/$1"
    fi
}
write db_password "$(random 24)"
write database_url "postgresql+psycopg://postgres:$(cat "$dir/db_password")@db:5432/userimport"
write staging_key "$(head -c 32 /dev/urandom | base64)"
if [ ! -s "$dir/api_key" ]; then
    write api_key "uik_$(random 32)"
    echo "The admin API key (store it; it is in $dir/api_key): $(cat "$dir/api_key")"
fi
