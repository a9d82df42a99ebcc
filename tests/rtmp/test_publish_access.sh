#!/bin/bash
# Who may publish to the shipped RTMP server (docker/rtmp/nginx.conf). nginx runs in a network namespace
# of its own, with clients in two more: "inside" has an address in the compose network's fixed subnet
# (docker-compose.yml), "outside" has addresses in each private range the server once accepted (10/8,
# 172.16/12, 192.168/16), none in that subnet. Publishing must work from loopback and from inside, and
# be refused from outside although the port is reachable; playing stays open to anyone. Needs root
# (ip netns); skips, as a skip, where namespaces cannot be made. Everything lives in the namespaces,
# so the host's interfaces and routes are never touched.
# usage: test_publish_access.sh SOURCE_ROOT SHADERFLOW_LAUNCH
set -u
src=$(cd "${1:?usage: $0 SOURCE_ROOT SHADERFLOW_LAUNCH}" && pwd)
launch=$(realpath "${2:?usage: $0 SOURCE_ROOT SHADERFLOW_LAUNCH}")
source "$src/tests/rtmp/shipped_nginx.sh"
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; [ -f "$dir/error.log" ] && tail -5 "$dir/error.log"; failed=1; }

subnet=$(sed -n 's/^ *- subnet: *\([0-9./]*\).*/\1/p' "$src/docker-compose.yml")
[ -n "$subnet" ] || { echo "FAIL: docker-compose.yml fixes no subnet for the streaming network"; exit 1; }
prefix=${subnet%.*}   # a /24: 10.213.71.0/24 -> 10.213.71
server_in=$prefix.1 client_in=$prefix.2
# Private addresses outside the compose subnet, one per range the old rules allowed.
outside_pairs="10.77.0.1:10.77.0.2 172.16.77.1:172.16.77.2 192.168.77.1:192.168.77.2"

command -v ip >/dev/null || { echo "FAIL: iproute2 (ip) is not installed: run scripts/setup.sh"; exit 1; }
[ "$(id -u)" -eq 0 ] || skip "network namespaces need root"
ns=sfpub$$
srv=$ns-srv cin=$ns-in cout=$ns-out
dir=$(mktemp -d)
nginx_pid=""
failed=0
cleanup() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  local n
  for n in "$srv" "$cin" "$cout"; do ip netns del "$n" 2>/dev/null; done
  rm -rf "$dir"
}
trap cleanup EXIT
ip netns add "$srv" 2>"$dir/netns.err" || skip "cannot create network namespaces here: $(cat "$dir/netns.err")"
ip netns add "$cin" && ip netns add "$cout" || { echo "FAIL: a second namespace could not be made"; exit 1; }

# srv <-> in over one veth pair, srv <-> out over another; both ends made inside the namespaces.
net_setup() {
  local n
  for n in "$srv" "$cin" "$cout"; do ip -n "$n" link set lo up || return 1; done
  ip -n "$srv" link add to-in type veth peer name eth0 netns "$cin" || return 1
  ip -n "$srv" link add to-out type veth peer name eth0 netns "$cout" || return 1
  ip -n "$srv" addr add "$server_in/24" dev to-in && ip -n "$cin" addr add "$client_in/24" dev eth0 || return 1
  local pair
  for pair in $outside_pairs; do
    ip -n "$srv" addr add "${pair%%:*}/24" dev to-out && ip -n "$cout" addr add "${pair##*:}/24" dev eth0 || return 1
  done
  for n in "$srv:to-in" "$srv:to-out" "$cin:eth0" "$cout:eth0"; do
    ip -n "${n%%:*}" link set "${n##*:}" up || return 1
  done
}
net_setup || { echo "FAIL: could not set up the veth pairs"; exit 1; }

# The listen line as shipped (port 1935, all addresses): inside its namespace nothing else uses it.
write_shipped_nginx_conf "$src" "$dir" 1935 || exit 1
ip netns exec "$srv" nginx -e "$dir/stderr.log" -c "$dir/nginx.conf" &
nginx_pid=$!
wait_for_port 127.0.0.1 1935 ip netns exec "$srv" || { echo "FAIL: nginx does not listen: $(cat "$dir/stderr.log")"; exit 1; }

# publish NAMESPACE SERVER_ADDRESS STREAM: exit status of a 20-frame publish (no GPU needed).
publish() {
  ip netns exec "$1" timeout 30 "$launch" -q videotestsrc num-buffers=20 \
    ! video/x-raw,width=160,height=120,framerate=30/1 ! x264enc speed-preset=ultrafast tune=zerolatency \
    ! flvmux streamable=true ! rtmp2sink location="rtmp://$2:1935/live/$3" >"$dir/publish-$3.log" 2>&1
}
expect_published() {
  if publish "$1" "$2" "$3"; then echo "ok: $4 may publish"
  else fail "$4 was refused: $(tail -3 "$dir/publish-$3.log")"; fi
}
# Refused by the server's rule (its log says so), not by an unreachable port.
expect_refused() {
  local ns_name=$1 server=$2 client=$4
  wait_for_port "$server" 1935 ip netns exec "$ns_name" || { fail "$client cannot even reach $server:1935"; return; }
  if publish "$ns_name" "$server" "$3"; then
    fail "$client published, but is outside loopback and $subnet"
  elif ! grep -q "access forbidden by rule, client: $client," "$dir/error.log"; then
    fail "$client could not publish, but nginx did not refuse it: $(tail -2 "$dir/publish-$3.log")"
  else
    echo "ok: $client is refused (nginx: access forbidden by rule)"
  fi
}

expect_published "$srv" 127.0.0.1 loopback "loopback (127.0.0.1)"
expect_published "$cin" "$server_in" inside "$client_in (compose subnet $subnet)"
for pair in $outside_pairs; do
  client=${pair##*:}
  expect_refused "$cout" "${pair%%:*}" "outside-${client//./-}" "$client"
done
[ $failed -eq 0 ] && echo "publish-access: loopback and $subnet publish; 10/8, 172.16/12 and 192.168/16 outside it are refused"
exit $failed
