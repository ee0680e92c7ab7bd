#!/usr/bin/env bash
# Gatehouse quick start, as README.md shows it: start the registry, log in, push, pull, mirror from an upstream
# registry, import vulnerability data, scan, promote. Run from a clone after
#   mvn -q -B -DskipTests -pl registry-server -am package
# with GATEHOUSE_ADMIN_PASSWORD set (8 to 1024 characters):
#   GATEHOUSE_ADMIN_PASSWORD='choose-one-please' bash src-examples/quickstart.sh
#
# Everything runs on loopback, in one temporary folder: the registry's data, an upstream registry (CNCF Distribution,
# Debian's docker-registry), the clients' credentials and podman's storage, so your own images and logins are not
# touched. Everything it starts is stopped, and the folder removed, when it ends (also on failure or Ctrl-C).
# Needs: java 17, skopeo, podman, umoci, docker-registry, curl; the docker CLI (no engine) for the last check.
# RegistryServer's QuickstartScriptTest runs this script; README.md's quick start shows its commands.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${GATEHOUSE_ADMIN_PASSWORD:?set GATEHOUSE_ADMIN_PASSWORD (8 to 1024 characters): the password of the bootstrap admin}"
PORT=${PORT:-5000}                   # the registry
UPSTREAM_PORT=${UPSTREAM_PORT:-5001} # the upstream registry mirrored from
REGISTRY=127.0.0.1:$PORT
UPSTREAM=127.0.0.1:$UPSTREAM_PORT

work=$(mktemp -d /tmp/gatehouse-quickstart.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  # podman's vfs layers can be read-only directories
  chmod -R u+w "$work" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# `gatehouse` is the command line: the jar the build made (a `gatehouse` already on PATH wins; the test puts one
# there). A program, not a shell function, so that the pid of `gatehouse serve &` is the registry's own.
if ! command -v gatehouse >/dev/null; then
  mkdir -p "$work/bin"
  printf '#!/bin/sh\nexec java -jar %s "$@"\n' "$PWD/registry-server/target/gatehouse.jar" > "$work/bin/gatehouse"
  chmod +x "$work/bin/gatehouse"
  PATH=$work/bin:$PATH
fi

# The clients' files in $work, not in your home folder.
export REGISTRY_AUTH_FILE=$work/auth.json DOCKER_CONFIG=$work/docker
export CONTAINERS_REGISTRIES_CONF=$work/registries.conf CONTAINERS_STORAGE_CONF=$work/storage.conf CONTAINERS_CONF=$work/containers.conf
mkdir -p "$DOCKER_CONFIG"
printf 'unqualified-search-registries = []\n' > "$CONTAINERS_REGISTRIES_CONF"
printf '[storage]\ndriver = "vfs"\ngraphroot = "%s"\nrunroot = "%s"\n' "$work/podman" "$work/podman-run" > "$CONTAINERS_STORAGE_CONF"
printf '[engine]\nevents_logger = "none"\ncgroup_manager = "cgroupfs"\n' > "$CONTAINERS_CONF"

# wait_for URL PID NAME: until URL answers (any HTTP status), or fail with NAME's log when PID has died.
wait_for() {
  for _ in $(seq 1 600); do
    curl -s -o /dev/null "$1" && return 0
    kill -0 "$2" 2>/dev/null || { echo "$3 did not start:" >&2; cat "$work/$3.log" >&2; exit 1; }
    sleep 0.2
  done
  echo "$3 did not answer within 2 minutes" >&2
  exit 1
}

echo "== 1. start the registry on $REGISTRY (data in $work/data)"
GATEHOUSE_HOST=127.0.0.1 GATEHOUSE_PORT=$PORT GATEHOUSE_DATA_DIR=$work/data gatehouse serve > "$work/gatehouse.log" 2>&1 &
pids+=($!)
wait_for "http://$REGISTRY/v2/" "$!" gatehouse

echo "== 2. log in as admin"
skopeo login --tls-verify=false -u admin --password-stdin "$REGISTRY" <<< "$GATEHOUSE_ADMIN_PASSWORD"

echo "== 3. push a small image (built here with umoci: a Debian 12 package list, nothing to run)"
mkdir -p "$work/rootfs/etc" "$work/rootfs/var/lib/dpkg"
cp registry-server/src/test/resources/vuln/debian12/os-release "$work/rootfs/etc/os-release"
cp registry-server/src/test/resources/vuln/debian12/minbase-status "$work/rootfs/var/lib/dpkg/status"
umoci init --layout "$work/oci"
umoci new --image "$work/oci:1.0"
# (a layer tar made by tar: umoci 0.4.7's `insert` leaves out the end of the archive, which the scanner refuses)
tar -C "$work/rootfs" -cf "$work/layer.tar" etc var
umoci raw add-layer --image "$work/oci:1.0" "$work/layer.tar"
skopeo copy --dest-tls-verify=false "oci:$work/oci:1.0" "docker://$REGISTRY/team/app:1.0"

echo "== 4. pull it"
podman pull --tls-verify=false "$REGISTRY/team/app:1.0"

echo "== 5. mirror from an upstream registry"
mkdir -p "$work/upstream"
cat > "$work/upstream.yml" <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $work/upstream
http:
  addr: $UPSTREAM
EOF
# (without REGISTRY_AUTH_FILE: Distribution would read it as its own auth.file setting)
env -u REGISTRY_AUTH_FILE docker-registry serve "$work/upstream.yml" > "$work/upstream.log" 2>&1 &
pids+=($!)
wait_for "http://$UPSTREAM/v2/" "$!" upstream
skopeo copy --dest-tls-verify=false "oci:$work/oci:1.0" "docker://$UPSTREAM/library/base:1.0"
skopeo copy --dest-tls-verify=false "oci:$work/oci:1.0" "docker://$UPSTREAM/library/base:1.1"
# from here: the credentials skopeo login stored
gatehouse mirror "$UPSTREAM/library/base" "$REGISTRY/mirror/base" --versions '>=1.0'
# or let the registry pull from the upstream itself (as the Jenkins step does): it needs the password, from
# $GATEHOUSE_DEST_PASSWORD or --dest-password-file (never on the command line)
GATEHOUSE_DEST_PASSWORD=$GATEHOUSE_ADMIN_PASSWORD gatehouse mirror --server-side --dest-username admin "$UPSTREAM/library/base" "$REGISTRY/mirror/base-server"

echo "== 6. import vulnerability data (into the running registry's database; it rescans within seconds)"
gatehouse vulndb import --data-dir "$work/data" registry-server/src/test/resources/vuln/debian12/changelog-osv.zip

echo "== 7. scan"
# the management API, with the admin's password in a file curl reads (not on the command line)
printf 'machine 127.0.0.1 login admin password %s\n' "$GATEHOUSE_ADMIN_PASSWORD" > "$work/netrc"
api() { curl -fsS --netrc-file "$work/netrc" -H 'Content-Type: application/json' "$@"; }
digest=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$REGISTRY/team/app:1.0")
api -X POST "http://$REGISTRY/api/v1/repositories/team/app/scans/$digest?force=true"; echo
for _ in $(seq 1 120); do
  status=$(api "http://$REGISTRY/api/v1/repositories/team/app/scans/$digest")
  case $status in *'"state":"done"'*|*'"state":"failed"'*) break ;; esac
  sleep 1
done
echo "$status"
case $status in *'"state":"done"'*) ;; *) echo "the scan did not finish" >&2; exit 1 ;; esac

echo "== 8. promote: a policy, then team/app:1.0 through it into prod/app"
api -X POST "http://$REGISTRY/api/v1/policies" -d '{"schemaVersion": 1, "name": "quickstart",
  "conditions": {"vulnerabilities": {"maxCounts": {"critical": 0}}, "report": {"maxAge": "P1D"}},
  "promotion": {"targetRepository": "prod/app"}}'; echo
api -X POST "http://$REGISTRY/api/v1/repositories/team/app/promotions" -d '{"reference": "1.0", "policy": "quickstart"}'; echo
skopeo inspect --tls-verify=false "docker://$REGISTRY/prod/app:1.0" > /dev/null

echo "== 9. docker's CLI (no engine needed): its own login, then inspect"
docker login -u admin --password-stdin "$REGISTRY" <<< "$GATEHOUSE_ADMIN_PASSWORD"
docker manifest inspect --insecure "$REGISTRY/prod/app:1.0"

echo "quick start OK"
