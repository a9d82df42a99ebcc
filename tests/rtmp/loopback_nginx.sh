# Sourced by the loopback RTMP tests (test_rtmp.sh, test_rtmp_audio.sh): a throw-away nginx +
# libnginx-mod-rtmp on a free loopback port, from nginx.conf.in, everything under $dir (recordings in
# $dir/record). Sourcing it sets up $dir (a temporary folder), the EXIT trap that stops nginx and removes
# $dir, and fail() (prints nginx's last errors and exits 1).

dir=$(mktemp -d)
nginx_pid=""
cleanup() { [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$dir/error.log" ] && tail -5 "$dir/error.log"; exit 1; }

# start_loopback_nginx HERE: sets port and nginx_pid once the server accepts connections.
start_loopback_nginx() {
  command -v nginx >/dev/null || fail "nginx is not installed (scripts/setup.sh installs nginx and libnginx-mod-rtmp)"
  [ -f /usr/lib/nginx/modules/ngx_rtmp_module.so ] || fail "libnginx-mod-rtmp is not installed"
  port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  mkdir -p "$dir/record"
  sed -e "s|@DIR@|$dir|g" -e "s|@PORT@|$port|g" "$1/nginx.conf.in" > "$dir/nginx.conf"
  nginx -t -c "$dir/nginx.conf" -p "$dir" >/dev/null 2>&1 || fail "nginx rejects the config: $(nginx -t -c "$dir/nginx.conf" -p "$dir" 2>&1)"
  nginx -c "$dir/nginx.conf" -p "$dir" &
  nginx_pid=$!
  for _ in $(seq 50); do
    /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
    sleep 0.1
  done
}
