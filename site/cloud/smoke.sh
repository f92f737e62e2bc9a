#!/usr/bin/env bash
# End-to-end check of the cloud site as the federated user of project vo.example, with curl + jq:
# token chain, listings, keypair + security group + server + floating IP (create, associate, delete),
# then a parallel round close to Terraform's load (4 servers, 4 floating IPs, 8 rules at once).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$CLOUD_DIR/lib/fedtoken.sh"
source "$CLOUD_DIR/lib/smoke-checks.sh"
SITE=$STATE/site.json
[[ -r $SITE ]] || die "no $SITE: run site/cloud/up.sh first"
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*" >&2; exit 1; }
ms() { date +%s%3N; }
T0=$(ms)
# api NAME METHOD URL [JSON]: body -> $TMP/NAME.json, prints the HTTP status
api() {
  local n=$1 m=$2 u=$3; shift 3
  curl -sS -o "$TMP/$n.json" -w '%{http_code}' -X "$m" "$u" -H "X-Auth-Token: $TOKEN" \
    -H 'content-type: application/json' ${1:+-d "$1"}
}
# must NAME CODES METHOD URL [JSON]: like api, fails unless the status is in CODES (e.g. 200|201)
must() {
  local n=$1 codes=$2 s; shift 2
  s=$(api "$n" "$@") || fail "$n: curl failed"
  [[ $s =~ ^($codes)$ ]] || fail "$n: $1 $2 -> HTTP $s $(head -c 400 "$TMP/$n.json")"
}
jf() { jq -er "$2" "$TMP/$1.json"; }
# wait_server ID STATUS SECONDS (STATUS=GONE waits for 404)
wait_server() {
  local id=$1 want=$2 deadline=$(( $(date +%s) + $3 )) s st
  while :; do
    s=$(api "srv-$id" GET "$NOVA/servers/$id")
    if [[ $want == GONE && $s == 404 ]]; then return 0; fi
    st=$(jq -r '.server.status // empty' "$TMP/srv-$id.json" 2>/dev/null || true)
    [[ $st == "$want" ]] && return 0
    [[ $st == ERROR ]] && fail "server $id ERROR: $(jq -c .server.fault "$TMP/srv-$id.json")"
    [[ $(date +%s) -lt $deadline ]] || fail "server $id not $want after $3 s (status '$st', HTTP $s)"
    sleep 0.5
  done
}

fed_token "$ID_STATE/site.json" "$TMP" || fail "token chain"
NOVA=$(endpoint compute); NEUTRON=$(endpoint network)/v2.0; GLANCE=$(endpoint image)/v2
ok "scoped token for project $PROJECT_ID ($(( $(ms) - T0 )) ms); compute $NOVA, network $NEUTRON"

# ---- listings -------------------------------------------------------------------------------
must flavors 200 GET "$NOVA/flavors/detail"
ok "flavors: $(jf flavors '[.flavors[].name] | sort | join(", ")')"
must images 200 GET "$GLANCE/images?limit=100"
ok "images: $(jf images '[.images[] | "\(.name) (\(.visibility))"] | join("; ")')"
must nets 200 GET "$NEUTRON/networks"
ok "networks: $(jf nets '[.networks[] | "\(.name) external=\(.["router:external"])"] | join(", ")')"
FLAVOR=$(jq -er '.flavorIds["m1.small"]' "$SITE"); NET=$(jq -er .networks.private.id "$SITE")
PUBNET=$(jq -er .networks.public.id "$SITE")
IMAGE=$(jq -er '.imageIdsByName["registry.egi.eu egi_vm_images/ubuntu:22.04"][0]' "$SITE")
jq -e --arg i "$IMAGE" 'any(.images[]; .id == $i)' "$TMP/images.json" >/dev/null || fail "image $IMAGE not visible"
jq -e 'any(.images[]; .name == "my-snapshot-2026")' "$TMP/images.json" >/dev/null || fail "private snapshot not visible"

# ---- single round ---------------------------------------------------------------------------
t=$(ms); SFX=smoke-$$
must kp 200 POST "$NOVA/os-keypairs" "{\"keypair\":{\"name\":\"$SFX\"}}"
must sg 201 POST "$NEUTRON/security-groups" "{\"security_group\":{\"name\":\"$SFX\",\"description\":\"smoke\"}}"
SG=$(jf sg .security_group.id)
must rule 201 POST "$NEUTRON/security-group-rules" "{\"security_group_rule\":{\"security_group_id\":\"$SG\",\"direction\":\"ingress\",\"ethertype\":\"IPv4\",\"protocol\":\"tcp\",\"port_range_min\":22,\"port_range_max\":22,\"remote_ip_prefix\":\"0.0.0.0/0\"}}"
ok "keypair $SFX, security group $SG with an SSH rule ($(( $(ms) - t )) ms)"
t=$(ms)
must boot 202 POST "$NOVA/servers" "{\"server\":{\"name\":\"$SFX\",\"flavorRef\":\"$FLAVOR\",\"imageRef\":\"$IMAGE\",\"key_name\":\"$SFX\",\"networks\":[{\"uuid\":\"$NET\"}],\"security_groups\":[{\"name\":\"$SFX\"}]}}"
SRV=$(jf boot .server.id)
wait_server "$SRV" ACTIVE 90
ok "server $SRV ACTIVE ($(( $(ms) - t )) ms)"
must port 200 GET "$NEUTRON/ports?device_id=$SRV"
PORT=$(jf port '.ports[0].id'); ok "port $PORT status $(jf port '.ports[0].status') binding $(jf port '.ports[0]["binding:vif_type"]')"
t=$(ms)
must fip 201 POST "$NEUTRON/floatingips" "{\"floatingip\":{\"floating_network_id\":\"$PUBNET\"}}"
FIP=$(jf fip .floatingip.id)
must assoc 200 PUT "$NEUTRON/floatingips/$FIP" "{\"floatingip\":{\"port_id\":\"$PORT\"}}"
must fipshow 200 GET "$NEUTRON/floatingips/$FIP"
[[ $(jf fipshow .floatingip.port_id) == "$PORT" ]] || fail "floating IP not associated"
ok "floating IP $(jf fipshow .floatingip.floating_ip_address) -> $(jf fipshow .floatingip.fixed_ip_address) status $(jf fipshow .floatingip.status) ($(( $(ms) - t )) ms)"
[[ $(jq -r .cinder "$SITE") == true ]] && volume_round "$SRV"
t=$(ms)
must fipdel 204 DELETE "$NEUTRON/floatingips/$FIP"
must srvdel 204 DELETE "$NOVA/servers/$SRV"
wait_server "$SRV" GONE 90
must sgdel 204 DELETE "$NEUTRON/security-groups/$SG"
must kpdel 202 DELETE "$NOVA/os-keypairs/$SFX"
ok "deleted floating IP, server, security group, keypair ($(( $(ms) - t )) ms)"

check_empty "after the single round"
ok "single round took $(( $(ms) - T0 )) ms in all"

# ---- parallel round -------------------------------------------------------------------------
parallel_round
ok "smoke: all checks passed in $(( $(ms) - T0 )) ms"
