#!/usr/bin/env bash
# End-to-end check of the running identity site (after site/identity/up.sh), with curl + jq:
# refresh token (test API) -> access token (basic client) -> Keystone federated login -> projects
# -> project-scoped token -> token validation; login via the oidc-only IdP egi.eu-oidc; plus the
# unconfigured-protocol and bad-token cases a client must tell apart (Keystone vs Bearer challenge).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

SITE=$STATE/site.json
[[ -r $SITE ]] || die "no $SITE: run site/identity/up.sh first"
j() { jq -er "$1" "$SITE"; }
CA=$(j .caFile); TOKEN_EP=$(j .tokenEndpoint); ADMIN=$(j .idpAdminUrl); KS=$(j .keystone.authUrl)
FED=$(j .keystone.federatedAuthUrl); CID=$(j .clients.basic.id); CSECRET=$(j .clients.basic.secret)
SCOPE="openid email profile eduperson_entitlement"
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*" >&2; exit 1; }

# req NAME CURL_ARGS...: body -> $TMP/NAME.body, headers -> $TMP/NAME.hdr, prints the status
req() { local n=$1; shift; curl -sS -o "$TMP/$n.body" -D "$TMP/$n.hdr" -w '%{http_code}' "$@"; }
hdr() { awk -v h="$(tr '[:upper:]' '[:lower:]' <<<"$2"):" 'tolower($1) == h { sub(/\r$/, ""); print $2 }' "$TMP/$1.hdr"; }

# 1. refresh token without a browser
s=$(req mint --cacert "$CA" -X POST "$ADMIN/refresh-token" -H 'content-type: application/json' \
  -d "{\"client_id\":\"$CID\",\"scope\":\"$SCOPE offline_access\"}")
[[ $s == 200 ]] || fail "mint refresh token: HTTP $s $(cat "$TMP/mint.body")"
RT=$(jq -er .refresh_token "$TMP/mint.body"); ok "minted refresh token for $CID"

# 2. refresh grant (client_secret_basic), TLS checked against our CA
s=$(req tok --cacert "$CA" -u "$CID:$CSECRET" "$TOKEN_EP" \
  --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=$RT" --data-urlencode "scope=$SCOPE")
[[ $s == 200 ]] || fail "refresh grant: HTTP $s $(cat "$TMP/tok.body")"
AT=$(jq -er .access_token "$TMP/tok.body")
[[ $(jq -r .refresh_token "$TMP/tok.body") == "$RT" ]] && rot="not rotated" || rot="rotated"
ok "access token (expires_in $(jq -r .expires_in "$TMP/tok.body"), refresh token $rot)"

# 3. federated login -> unscoped token
s=$(req fed -X POST "$FED" -H "Authorization: Bearer $AT")
[[ $s == 201 ]] || fail "federated auth: HTTP $s $(cat "$TMP/fed.body")"
UNSCOPED=$(hdr fed X-Subject-Token); [[ -n $UNSCOPED ]] || fail "no X-Subject-Token"
ok "unscoped token for user $(jq -r .token.user.name "$TMP/fed.body") (methods $(jq -c .token.methods "$TMP/fed.body"))"

# 4. projects
s=$(req projects "$KS/auth/projects" -H "X-Auth-Token: $UNSCOPED")
[[ $s == 200 ]] || fail "GET /v3/auth/projects: HTTP $s $(cat "$TMP/projects.body")"
n=$(jq '.projects | length' "$TMP/projects.body")
[[ $n == 2 ]] || fail "expected 2 projects, got $n: $(jq -c '[.projects[].name]' "$TMP/projects.body")"
PID=$(jq -er '.projects | sort_by(.name) | .[0].id' "$TMP/projects.body")
ok "projects: $(jq -c '[.projects[] | {id, name}]' "$TMP/projects.body")"

# 5. project-scoped token
s=$(req scoped -X POST "$KS/auth/tokens" -H 'content-type: application/json' -d "$(jq -n --arg t "$UNSCOPED" --arg p "$PID" \
  '{auth: {identity: {methods: ["token"], token: {id: $t}}, scope: {project: {id: $p}}}}')")
[[ $s == 201 ]] || fail "scoping: HTTP $s $(cat "$TMP/scoped.body")"
SCOPED=$(hdr scoped X-Subject-Token)
ok "scoped token: project $(jq -r .token.project.name "$TMP/scoped.body"), roles $(jq -c '[.token.roles[].name]' "$TMP/scoped.body"), expires $(jq -r .token.expires_at "$TMP/scoped.body"), catalog $(jq '.token.catalog | length' "$TMP/scoped.body") services"

# 6. validate it
s=$(req validate "$KS/auth/tokens" -H "X-Auth-Token: $SCOPED" -H "X-Subject-Token: $SCOPED")
[[ $s == 200 ]] || fail "validate: HTTP $s $(cat "$TMP/validate.body")"
[[ $(jq -r .token.project.id "$TMP/validate.body") == "$PID" ]] || fail "validated token has another project"
ok "GET /v3/auth/tokens validates the scoped token"

# 7. IdP egi.eu-oidc offers only protocol oidc: openid fails in Keystone itself (no Bearer
#    challenge: a client tries the next protocol), oidc logs in like egi.eu/openid
OIDC_IDP=$(j .keystone.identityProviderOidcOnly); FED_BASE=$KS/OS-FEDERATION/identity_providers
bearer() { grep -qi '^www-authenticate: *bearer' "$TMP/$1.hdr"; }
s=$(req only_openid -X POST "$FED_BASE/$OIDC_IDP/protocols/openid/auth" -H "Authorization: Bearer $AT")
[[ $s == 401 || $s == 404 ]] || fail "$OIDC_IDP/openid: expected 401 or 404, got $s $(cat "$TMP/only_openid.body")"
bearer only_openid && fail "$OIDC_IDP/openid: answered by mod_auth_openidc (Bearer challenge), not Keystone"
s=$(req only_oidc -X POST "$FED_BASE/$OIDC_IDP/protocols/oidc/auth" -H "Authorization: Bearer $AT")
[[ $s == 201 ]] || fail "$OIDC_IDP/oidc: HTTP $s $(cat "$TMP/only_oidc.body")"
[[ -n $(hdr only_oidc X-Subject-Token) ]] || fail "$OIDC_IDP/oidc: no X-Subject-Token"
[[ $(jq -r '.token."OS-FEDERATION".identity_provider.id // .token.user."OS-FEDERATION".identity_provider.id' "$TMP/only_oidc.body") == "$OIDC_IDP" ]] \
  || fail "$OIDC_IDP/oidc: token names another identity provider: $(jq -c .token.user "$TMP/only_oidc.body")"
s=$(req only_projects "$KS/auth/projects" -H "X-Auth-Token: $(hdr only_oidc X-Subject-Token)")
[[ $s == 200 && $(jq -c '[.projects[].id] | sort' "$TMP/only_projects.body") == "$(jq -c '[.projects[].id] | sort' "$TMP/projects.body")" ]] \
  || fail "$OIDC_IDP/oidc: projects differ from egi.eu's: HTTP $s $(cat "$TMP/only_projects.body")"
ok "$OIDC_IDP: openid -> $(awk 'NR==1 {print $2}' "$TMP/only_openid.hdr"), oidc -> 201 (methods $(jq -c .token.methods "$TMP/only_oidc.body"), same $n projects)"

# 8. unconfigured protocol (valid token) vs bad token (configured protocol): Keystone vs Bearer
s=$(req oidc -X POST "${FED%/openid/auth}/oidc/auth" -H "Authorization: Bearer $AT")
[[ $s == 401 || $s == 404 ]] || fail "egi.eu/oidc: expected 401 or 404, got $s"
bearer oidc && fail "egi.eu/oidc: answered by mod_auth_openidc (Bearer challenge), not Keystone"
s=$(req garbage -X POST "$FED" -H "Authorization: Bearer not-a-valid-token")
[[ $s == 401 ]] || fail "garbage bearer: expected 401, got $s"
bearer garbage || fail "garbage bearer: no Bearer challenge"
for n in only_openid oidc garbage; do
  echo "---- $n: HTTP $(awk 'NR==1 {print $2}' "$TMP/$n.hdr"), headers"
  grep -iE '^(www-authenticate|content-type|content-length|vary|x-openstack-request-id):' "$TMP/$n.hdr" | tr -d '\r'
  echo "---- $n: body"; cat "$TMP/$n.body"; echo
done
ok "unconfigured protocols -> Keystone 401/404 (no Bearer challenge), garbage bearer -> 401 (mod_auth_openidc)"
echo "smoke: all checks passed"
