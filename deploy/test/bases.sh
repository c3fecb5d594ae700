#!/usr/bin/env bash
# The images the container tests build on, made here because no registry is reachable:
#   localhost/userimport-test-python    Debian bookworm (debootstrap) with python3 and a venv
#                                        first on PATH; stands in for python:3.11-slim
#   localhost/userimport-test-postgres  the same with Debian's PostgreSQL 15; stands in for the
#                                        official postgres image (POSTGRES_PASSWORD, port 5432)
# Each is built once per machine (kept in podman's store). Needs root, podman, debootstrap.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export CONTAINERS_CONF="$here/containers.conf"
mirror="$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)"
mirror="${mirror:-http://deb.debian.org/debian}"

# A base is made again when this script or the entrypoint changes.
digest="$(cat "$0" "$here/postgres-entrypoint.sh" | sha256sum | cut -c1-16)"
have() {
    [ "$(podman image inspect --format '{{index .Labels "userimport.base"}}' "$1" 2>/dev/null)" = "$digest" ]
}

rootfs() {  # $1: folder, $2: extra packages
    debootstrap --variant=minbase --include="$2" bookworm "$1" "$mirror" >"$1.log" 2>&1 \
        || { tail -20 "$1.log" >&2; exit 1; }
    # HTTPS leaving these machines may be re-signed by a local CA: trust what the host trusts.
    cp /usr/local/share/ca-certificates/*.crt "$1/usr/local/share/ca-certificates/" 2>/dev/null || true
    chroot "$1" update-ca-certificates >/dev/null
    chroot "$1" apt-get clean
    rm -rf "$1"/var/lib/apt/lists/*
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if have localhost/userimport-test-python && have localhost/userimport-test-postgres; then
    exit 0
fi
echo "building localhost/userimport-test-python and -postgres (debootstrap, once)" >&2
# One root file system for both (one debootstrap): PostgreSQL's files are unused in the
# Python base, and the other way round.
rootfs "$work/root" python3,python3-venv,postgresql-15,ca-certificates
chroot "$work/root" python3 -m venv /opt/python
install -m 0755 "$here/postgres-entrypoint.sh" "$work/root/usr/local/bin/docker-entrypoint.sh"
base_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
tar -C "$work/root" -c . | podman import \
    --change "ENV PATH=/opt/python/bin:$base_path" \
    --change 'ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt' \
    --change 'CMD ["python3"]' \
    --change "LABEL userimport.base=$digest" \
    - localhost/userimport-test-python >/dev/null
tar -C "$work/root" -c . | podman import \
    --change "ENV PATH=/usr/lib/postgresql/15/bin:$base_path" \
    --change 'ENV PGDATA=/var/lib/postgresql/data' \
    --change 'EXPOSE 5432' \
    --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
    --change "LABEL userimport.base=$digest" \
    - localhost/userimport-test-postgres >/dev/null
