# Federated token chain for the smoke test (sourced): refresh token (IdP test API) -> access token ->
# Keystone federated login -> token scoped to project vo.example. Sets TOKEN, PROJECT_ID, CATALOG_FILE.
# shellcheck shell=bash
fed_token() {
  local id=$1 tmp=$2 ca te admin fed ks cid cs rt at un
  ca=$(jq -er .caFile "$id"); te=$(jq -er .tokenEndpoint "$id"); admin=$(jq -er .idpAdminUrl "$id")
  fed=$(jq -er .keystone.federatedAuthUrl "$id"); ks=$(jq -er .keystone.authUrl "$id")
  cid=$(jq -er .clients.basic.id "$id"); cs=$(jq -er .clients.basic.secret "$id")
  PROJECT_ID=$(jq -er '.keystone.projects[] | select(.name == "vo.example") | .id' "$id")
  rt=$(curl -fsS --cacert "$ca" -X POST "$admin/refresh-token" -H 'content-type: application/json' \
    -d "{\"client_id\":\"$cid\",\"scope\":\"openid email profile eduperson_entitlement offline_access\"}" | jq -er .refresh_token) \
    || { echo "smoke: minting a refresh token failed" >&2; return 1; }
  at=$(curl -fsS --cacert "$ca" -u "$cid:$cs" "$te" --data-urlencode grant_type=refresh_token \
    --data-urlencode "refresh_token=$rt" --data-urlencode "scope=openid email profile eduperson_entitlement" \
    | jq -er .access_token) || { echo "smoke: refresh grant failed" >&2; return 1; }
  un=$(curl -fsS -o /dev/null -D - -X POST "$fed" -H "Authorization: Bearer $at" \
    | awk 'tolower($1) == "x-subject-token:" { sub(/\r$/, ""); print $2 }')
  [[ -n $un ]] || { echo "smoke: federated login failed" >&2; return 1; }
  TOKEN=$(curl -fsS -D "$tmp/scoped.hdr" -o "$tmp/scoped.json" -X POST "$ks/auth/tokens" -H 'content-type: application/json' \
    -d "{\"auth\":{\"identity\":{\"methods\":[\"token\"],\"token\":{\"id\":\"$un\"}},\"scope\":{\"project\":{\"id\":\"$PROJECT_ID\"}}}}" \
    && awk 'tolower($1) == "x-subject-token:" { sub(/\r$/, ""); print $2 }' "$tmp/scoped.hdr")
  [[ -n $TOKEN ]] || { echo "smoke: scoping to vo.example failed" >&2; return 1; }
  CATALOG_FILE=$tmp/scoped.json
}
# endpoint TYPE: public RegionOne URL of TYPE from the scoped token's catalog
endpoint() {
  jq -er --arg t "$1" '.token.catalog[] | select(.type == $t) | .endpoints[]
    | select(.interface == "public" and .region == "RegionOne") | .url' "$CATALOG_FILE" | head -1
}
