# Parts of site/cloud/smoke.sh (sourced): leftovers check and the parallel round.
# shellcheck shell=bash

# check_empty WHEN: no server, floating IP, extra security group, keypair or compute port left
check_empty() {
  must ls-srv 200 GET "$NOVA/servers"
  [[ $(jf ls-srv '.servers | length') == 0 ]] || fail "$1: servers left: $(jf ls-srv '[.servers[].name]|join(",")')"
  must ls-fip 200 GET "$NEUTRON/floatingips?project_id=$PROJECT_ID"
  [[ $(jf ls-fip '.floatingips | length') == 0 ]] || fail "$1: floating IPs left"
  must ls-sg 200 GET "$NEUTRON/security-groups?project_id=$PROJECT_ID"
  [[ $(jf ls-sg '[.security_groups[] | select(.name != "default")] | length') == 0 ]] || fail "$1: security groups left"
  must ls-kp 200 GET "$NOVA/os-keypairs"
  [[ $(jf ls-kp '.keypairs | length') == 0 ]] || fail "$1: keypairs left"
  must ls-port 200 GET "$NEUTRON/ports?network_id=$NET"
  [[ $(jf ls-port '[.ports[] | select(.device_owner | startswith("compute:"))] | length') == 0 ]] || fail "$1: server ports left"
  ok "$1: no server, floating IP, security group (but default), keypair or server port left"
}

# par NAME METHOD URL [JSON]: api in the background, status -> $TMP/NAME.code
par() { local n=$1; shift; ( api "$n" "$@" >"$TMP/$n.code" 2>"$TMP/$n.err" || echo 000 >"$TMP/$n.code" ) & }
# expect CODES NAME...: after `wait`, every NAME got a status in CODES (a 5xx fails the smoke test)
expect() {
  local codes=$1 n c; shift
  for n in "$@"; do
    c=$(cat "$TMP/$n.code")
    [[ $c =~ ^($codes)$ ]] || fail "parallel $n: HTTP $c $(head -c 300 "$TMP/$n.json" 2>/dev/null) $(cat "$TMP/$n.err")"
  done
}

parallel_round() {
  local t t0 i names=() sfx=par-$$ sg srv=() ports=() fips=()
  t0=$(ms); t=$t0
  must psg 201 POST "$NEUTRON/security-groups" "{\"security_group\":{\"name\":\"$sfx\",\"description\":\"parallel\"}}"
  sg=$(jf psg .security_group.id)
  for i in 1 2 3 4 5 6 7 8; do
    par "rule$i" POST "$NEUTRON/security-group-rules" "{\"security_group_rule\":{\"security_group_id\":\"$sg\",\"direction\":\"ingress\",\"ethertype\":\"IPv4\",\"protocol\":\"tcp\",\"port_range_min\":$((8000 + i)),\"port_range_max\":$((8000 + i)),\"remote_ip_prefix\":\"0.0.0.0/0\"}}"
    names+=("rule$i")
  done
  wait; expect 201 "${names[@]}"
  ok "parallel: 8 security group rules at once ($(( $(ms) - t )) ms)"
  t=$(ms); names=()
  for i in 1 2 3 4; do
    par "pboot$i" POST "$NOVA/servers" "{\"server\":{\"name\":\"$sfx-$i\",\"flavorRef\":\"$FLAVOR\",\"imageRef\":\"$IMAGE\",\"networks\":[{\"uuid\":\"$NET\"}],\"security_groups\":[{\"name\":\"$sfx\"}]}}"
    names+=("pboot$i")
  done
  wait; expect 202 "${names[@]}"
  for i in 1 2 3 4; do srv+=("$(jf "pboot$i" .server.id)"); done
  for i in 0 1 2 3; do wait_server "${srv[$i]}" ACTIVE 120; done
  ok "parallel: 4 servers booted at once, all ACTIVE ($(( $(ms) - t )) ms)"
  for i in 0 1 2 3; do
    must "pport$i" 200 GET "$NEUTRON/ports?device_id=${srv[$i]}"; ports+=("$(jf "pport$i" '.ports[0].id')")
  done
  t=$(ms); names=()
  for i in 1 2 3 4; do par "pfip$i" POST "$NEUTRON/floatingips" "{\"floatingip\":{\"floating_network_id\":\"$PUBNET\"}}"; names+=("pfip$i"); done
  wait; expect 201 "${names[@]}"
  for i in 1 2 3 4; do fips+=("$(jf "pfip$i" .floatingip.id)"); done
  names=()
  for i in 0 1 2 3; do par "passoc$i" PUT "$NEUTRON/floatingips/${fips[$i]}" "{\"floatingip\":{\"port_id\":\"${ports[$i]}\"}}"; names+=("passoc$i"); done
  wait; expect 200 "${names[@]}"
  ok "parallel: 4 floating IPs created at once, then associated at once ($(( $(ms) - t )) ms)"
  t=$(ms); names=()
  for i in 0 1 2 3; do par "pfipdel$i" DELETE "$NEUTRON/floatingips/${fips[$i]}"; names+=("pfipdel$i"); done
  wait; expect 204 "${names[@]}"; names=()
  for i in 0 1 2 3; do par "psrvdel$i" DELETE "$NOVA/servers/${srv[$i]}"; names+=("psrvdel$i"); done
  for i in 1 2 3 4 5 6 7 8; do par "pruledel$i" DELETE "$NEUTRON/security-group-rules/$(jf "rule$i" .security_group_rule.id)"; done
  wait; expect 204 "${names[@]}"; expect 204 pruledel1 pruledel2 pruledel3 pruledel4 pruledel5 pruledel6 pruledel7 pruledel8
  for i in 0 1 2 3; do wait_server "${srv[$i]}" GONE 120; done
  must psgdel 204 DELETE "$NEUTRON/security-groups/$sg"
  ok "parallel: deleted 4 floating IPs, 4 servers, 8 rules at once, then the group ($(( $(ms) - t )) ms)"
  check_empty "after the parallel round"
  ok "parallel round took $(( $(ms) - t0 )) ms"
}

# volume_round SERVER: create a 1 GB volume, attach it to SERVER, detach and delete it (Cinder only)
wait_volume() { # wait_volume ID STATUS SECONDS (STATUS=GONE waits for 404)
  local deadline=$(( $(date +%s) + $3 )) s st
  while :; do
    s=$(api "vol-$1" GET "$CINDER/volumes/$1")
    [[ $2 == GONE && $s == 404 ]] && return 0
    st=$(jq -r '.volume.status // empty' "$TMP/vol-$1.json" 2>/dev/null || true)
    [[ $st == "$2" ]] && return 0
    [[ $st == error* ]] && fail "volume $1 status $st"
    [[ $(date +%s) -lt $deadline ]] || fail "volume $1 not $2 after $3 s (status '$st', HTTP $s)"
    sleep 0.5
  done
}
volume_round() {
  local t vol; t=$(ms)
  CINDER=$(endpoint volumev3)
  must vol 202 POST "$CINDER/volumes" '{"volume":{"name":"smoke-vol","size":1}}'
  vol=$(jf vol .volume.id); wait_volume "$vol" available 60
  must vatt 200 POST "$NOVA/servers/$1/os-volume_attachments" "{\"volumeAttachment\":{\"volumeId\":\"$vol\"}}"
  wait_volume "$vol" in-use 60
  must vdet 202 DELETE "$NOVA/servers/$1/os-volume_attachments/$vol"
  wait_volume "$vol" available 60
  must vdel 202 DELETE "$CINDER/volumes/$vol"
  wait_volume "$vol" GONE 60
  ok "volume $vol created, attached ($(jf vatt .volumeAttachment.device)), detached, deleted ($(( $(ms) - t )) ms)"
}
