# Sourced by the RTMP tests: runs docker/rtmp/nginx.conf itself, with only what a test must change
# (listen address, pid file, where the error log goes) rewritten; its log level, access log and publish
# rules stay as shipped. Needs nginx and libnginx-mod-rtmp (scripts/setup.sh).

# write_shipped_nginx_conf SOURCE_ROOT DIR LISTEN: DIR/nginx.conf, logging to DIR/error.log.
write_shipped_nginx_conf() {
  local src=$1 dir=$2 listen=$3
  sed -e "s|^\( *\)listen 1935;|\1listen $listen;|" -e "s|^pid /tmp/nginx.pid;|pid $dir/nginx.pid;|" \
      -e "s|^error_log stderr |error_log $dir/error.log |" "$src/docker/rtmp/nginx.conf" >"$dir/nginx.conf"
  local want
  for want in "listen $listen;" "pid $dir/nginx.pid;" "error_log $dir/error.log "; do
    grep -qF "$want" "$dir/nginx.conf" || { echo "FAIL: docker/rtmp/nginx.conf changed shape: no '$want' after rewriting"; return 1; }
  done
}

# wait_for_port HOST PORT [RUNNER...]: until something accepts TCP there (5 s at most).
wait_for_port() {
  local host=$1 port=$2
  shift 2
  for _ in $(seq 50); do
    "$@" /usr/bin/python3 -c "import socket; socket.create_connection(('$host', $port), 0.2)" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
