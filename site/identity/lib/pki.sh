# Self-signed CA + server certificate for 127.0.0.1 / localhost (sourced by up.sh).
# shellcheck shell=bash
make_pki() {
  local d=$STATE/pki
  if [[ -s $d/ca.pem && -s $d/server.pem && -s $d/server.key ]] \
     && openssl verify -CAfile "$d/ca.pem" "$d/server.pem" >/dev/null 2>&1 \
     && openssl x509 -checkend 86400 -noout -in "$d/server.pem" >/dev/null; then
    return 0
  fi
  mkdir -p "$d"; chmod 755 "$d"
  local err=$d/openssl.err
  {
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 825 \
      -keyout "$d/ca.key" -out "$d/ca.pem" -subj "/O=cdktf test/CN=cdktf test identity CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -addext "subjectKeyIdentifier=hash"
    openssl req -newkey rsa:2048 -nodes -sha256 -keyout "$d/server.key" -out "$d/server.csr" \
      -subj "/O=cdktf test/CN=127.0.0.1"
    printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
      "extendedKeyUsage=serverAuth" "subjectAltName=IP:127.0.0.1,DNS:localhost" \
      "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" >"$d/server.ext"
    openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
      -days 825 -sha256 -extfile "$d/server.ext" -out "$d/server.pem"
  } >"$err" 2>&1 || { tail -5 "$err" >&2; die "openssl failed (see $err)"; }
  chmod 600 "$d/ca.key" "$d/server.key"
  chmod 644 "$d/ca.pem" "$d/server.pem"
  rm -f "$d/server.csr" "$d/server.ext" "$d/ca.srl" "$err"
}
