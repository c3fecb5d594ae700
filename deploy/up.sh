#!/usr/bin/env bash
# Starts deploy/compose.yaml and waits until its web service is ready. Every image is looked
# for first and pulled when missing, so an image that cannot be had fails at once (compose's
# own `up -d` would wait for ever on the services that need it); a web service not ready
# within WAIT seconds (120) fails with the services' logs. Arguments go to `up -d`.
#   COMPOSE: the compose command (podman-compose, else `docker compose`)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
file="${COMPOSE_FILE:-$here/compose.yaml}"
engine="$(command -v podman || command -v docker || true)"
[ -n "$engine" ] || { echo "deploy/up.sh: neither podman nor docker is installed" >&2; exit 1; }
if [ -z "${COMPOSE:-}" ]; then
    if command -v podman-compose >/dev/null 2>&1; then COMPOSE=podman-compose
    elif docker compose version >/dev/null 2>&1; then COMPOSE="docker compose"
    else
        echo "deploy/up.sh: no compose command: pip install podman-compose (or" \
             "pip install -e '.[deploy]'), or install Docker's compose plugin" >&2
        exit 1
    fi
fi
default() {  # the default of a ${NAME:-default} in the compose file
    sed -n "s/.*\${$1:-\([^}]*\)}.*/\1/p" "$file" | head -1
}
for image in "${USERIMPORT_IMAGE:-$(default USERIMPORT_IMAGE)}" \
             "${POSTGRES_IMAGE:-$(default POSTGRES_IMAGE)}"; do
    if ! "$engine" image inspect "$image" >/dev/null 2>&1; then
        echo "pulling $image" >&2
        "$engine" pull "$image" >&2 || {
            echo "deploy/up.sh: cannot get $image (build it with \`make image\`, or check the" \
                 "registry and the name); nothing was started" >&2
            exit 1
        }
    fi
done
# shellcheck disable=SC2086 # COMPOSE may be two words
$COMPOSE -f "$file" up -d "$@"
url="http://127.0.0.1:${WEB_PORT:-8000}/readyz"
deadline=$((SECONDS + ${WAIT:-120}))
ready() {
    python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)' \
        "$url" >/dev/null 2>&1
}
until ready; do
    if [ "$SECONDS" -ge "$deadline" ]; then
        $COMPOSE -f "$file" logs >&2 || true
        echo "deploy/up.sh: $url was not ready within ${WAIT:-120} s (logs above)" >&2
        exit 1
    fi
    sleep 2
done
echo "ready: $url"
