# Shared by the docker tests (sourced): skip rules, a container store of their own, the Debian base image
# and the image builds. The first argument of every test is the source root.
set -euo pipefail

src=$(cd "${1:?usage: $0 SOURCE_ROOT}" && pwd)
# Outside the repository and kept between runs: the debootstrap rootfs and the build layer cache make a
# second run take seconds. Delete the folder to start over.
cache=${SHADERFLOW_TEST_CACHE:-/var/cache/shaderflow-test}
suite=bookworm
# The name docker/Dockerfile's default BASE_IMAGE resolves to.
base_image=docker.io/library/debian:bookworm-slim
mirror=${SHADERFLOW_DEBIAN_MIRROR:-http://deb.debian.org/debian}
security_mirror=${SHADERFLOW_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
image=localhost/shaderflow:test
rtmp_image=localhost/shaderflow-rtmp:test

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# A store of its own, so the stand-in base image never shadows a real debian:bookworm-slim this machine
# may hold, and the layer cache lives next to the rootfs cache.
store=(--root "$cache/storage" --runroot /run/shaderflow-test/storage)
bah() { buildah "${store[@]}" "$@"; }
pod() { podman "${store[@]}" "$@"; }
# chroot isolation needs neither a runtime's namespaces nor cgroups, which is what lets these tests run
# in a VM or CI container where `podman run` does not.
# buildah starts every command through a sealed in-memory copy of itself, and sealing it fails now and
# then before anything runs ("Close_Fd sealing memfd copy: Device or resource busy", seen in CI). Such a
# start is tried again; a command that ran and failed is not, so a missing element still fails a test.
# usage: run_in [BUILDAH RUN OPTIONS] CONTAINER -- COMMAND...
run_in() {
  local options=() command=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do options+=("$1"); shift; done
  shift
  command=("$@")
  local started status attempt
  started=$(mktemp)
  for attempt in 1 2 3; do
    rm -f "$started"
    status=0
    bah run --isolation chroot "${options[@]}" -- \
      sh -c 'echo shaderflow-test-started >&2 && exec "$@"' sh "${command[@]}" \
      2> >(mark_start_and_pass_on "$started") || status=$?
    wait $!  # the filter above, so that it has seen the whole of stderr
    [ -e "$started" ] && break
    echo "run_in: the container did not start (attempt $attempt of 3)" >&2
    sleep 1
  done
  rm -f "$started"
  return $status
}
# Passes stderr on live (a background nginx's log must show when a test fails) but for the start marker.
mark_start_and_pass_on() {
  local line
  while IFS= read -r line || [ -n "$line" ]; do
    if [ "$line" = shaderflow-test-started ]; then : >"$1"; else printf '%s\n' "$line" >&2; fi
  done
}

# Skips (exit 77, which Meson reports as SKIP) only when buildah cannot run; everything else the tests
# need comes from scripts/setup.sh, so its absence is a failure.
require_buildah() {
  command -v buildah >/dev/null || skip "buildah is not installed"
  [ "$(id -u)" -eq 0 ] || skip "buildah's chroot isolation and debootstrap need root"
  mkdir -p "$cache"
  local probe out
  probe=$(bah from scratch 2>&1) || skip "buildah cannot run here: $probe"
  out=$(bah mount "$probe" 2>&1) || { bah rm "$probe" >/dev/null 2>&1; skip "buildah cannot mount its storage here: $out"; }
  bah rm "$probe" >/dev/null
  local tool
  for tool in podman debootstrap ffprobe python3; do
    command -v "$tool" >/dev/null || fail "$tool is missing: run scripts/setup.sh"
  done
}

# Makes the rootfs look like the official slim image (debuerreotype's settings), so the image size and
# what the Dockerfile may rely on match a real build.
slim_rootfs() {
  local root=$1
  cat >"$root/etc/dpkg/dpkg.cfg.d/docker" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
CFG
  cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'CFG'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
CFG
  echo 'Acquire::Languages "none";' >"$root/etc/apt/apt.conf.d/docker-no-languages"
  rm -f "$root/etc/apt/sources.list"
  cat >"$root/etc/apt/sources.list.d/debian.sources" <<SRC
Types: deb
URIs: $mirror
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security_mirror
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
         "$root"/usr/share/man/* "$root"/usr/share/locale/* "$root"/var/log/*.log
  find "$root/usr/share/doc" -mindepth 2 ! -type d ! -name copyright -delete
}

# debian:bookworm-slim in the private store: imported from a debootstrap rootfs, since this machine
# reaches Debian's mirrors but no registry.
ensure_base_image() {
  exec 9>"$cache/lock"
  flock 9
  if pod image exists "$base_image"; then
    return
  fi
  local tarball=$cache/debian-$suite-minbase.tar
  if [ ! -s "$tarball" ]; then
    echo "==> debootstrap $suite from $mirror (cached as $tarball)"
    local root
    root=$(mktemp -d "$cache/rootfs.XXXXXX")
    # --one-file-system: a debootstrap that failed half-way may leave /proc or /sys mounted in there.
    if ! debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$cache/debootstrap.log" 2>&1; then
      tail -n 30 "$cache/debootstrap.log"
      umount -R "$root/proc" "$root/sys" 2>/dev/null || true
      rm -rf --one-file-system "$root"
      fail "debootstrap $suite failed (log: $cache/debootstrap.log)"
    fi
    slim_rootfs "$root"
    tar --numeric-owner --xattrs -C "$root" -cf "$tarball.partial" .
    mv "$tarball.partial" "$tarball"
    rm -rf --one-file-system "$root"
  fi
  echo "==> podman import $tarball as $base_image"
  pod import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' "$tarball" "$base_image" >/dev/null
}

# --layers: a rebuild after a source change recompiles but reuses the apt layers. --format docker keeps
# HEALTHCHECK (OCI image configs have no field for it). --pull=never: the base exists only in this store.
# --force-rm: a failed step's container would otherwise stay behind, mounted, in the cache.
build_image() {
  local tag=$1 dockerfile=$2 context=$3
  local start=$SECONDS
  echo "==> buildah bud -f ${dockerfile#"$src"/} -t $tag"
  local log attempt
  log=$(mktemp)
  for attempt in 1 2 3; do
    if bah bud --isolation chroot --layers --force-rm --format docker --pull=never -f "$dockerfile" -t "$tag" \
      "$context" 2>&1 | tee "$log"; then
      rm -f "$log"
      echo "==> built $tag in $((SECONDS - start)) s, $(bah images --format '{{.Size}}' "$tag")"
      return 0
    fi
    # A RUN step can meet run_in's start failure too; the layers built so far are cached.
    grep -q 'sealing memfd copy' "$log" || break
    echo "==> buildah could not start a build step (attempt $attempt of 3)" >&2
  done
  rm -f "$log"
  return 1
}
