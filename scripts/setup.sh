#!/usr/bin/env bash
# Installs every Debian package shaderflow needs to build, test and render (Debian 12 / Ubuntu 22.04+),
# then configures the Meson build in ./build. Safe to run again: apt skips what is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  # build
  g++ meson ninja-build pkg-config python3 python3-glad
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev libegl-dev libgl-dev libgtest-dev
  libjson-glib-dev
  # test: the reference GLSL compiler checks the GLSL ES 3.00 dialect (llvmpipe speaks desktop GL)
  glslang-tools
  # run: GStreamer with the elements a render or stream pipeline needs (x264enc, mp4mux, flvmux, avdec)
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  gstreamer1.0-plugins-ugly gstreamer1.0-libav
  # EGL through glvnd, with Mesa as the vendor for GPUs on render nodes and the llvmpipe fallback
  libegl1 libegl-mesa0 libgl1-mesa-dri
  # GstGL, the other side of bench/bench_vs_gstgl.py
  gstreamer1.0-gl
  # streaming test (a real RTMP server on loopback) and the Python embedding example
  nginx libnginx-mod-rtmp python3-gi gir1.2-gstreamer-1.0 gir1.2-gst-plugins-base-1.0
  # shaderflow-farm (Dask for the cluster; ffmpeg/ffprobe and numpy check its videos in tests/farm)
  python3-distributed python3-numpy
  # the unwinder test (meson test foreign-unwinder): element errors in a process that imported pandas
  python3-pandas
  # rtmp-publish-access: clients in network namespaces (ip netns, veth)
  iproute2
  # fuzzing (scripts/fuzz.sh, meson test fuzz): clang with its libFuzzer runtime; scripts/valgrind.sh
  clang libclang-rt-dev valgrind
  # tests/elements/test_gl_thread.sh: which thread makes each GL call (gdb breakpoints)
  gdb
  # docker tests (tests/docker): the images are built with buildah on a debootstrapped Debian, since
  # CI has no Docker engine and no registry; docker-compose validates the compose files, ffprobe the video
  buildah podman debootstrap debian-archive-keyring docker-compose ffmpeg
)

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
echo "==> installing Debian packages (${#packages[@]})"
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null

echo "==> configuring and building (build/)"
if [ -d build ]; then
  meson setup --reconfigure build >/dev/null
else
  meson setup build >/dev/null
fi
ninja -C build
