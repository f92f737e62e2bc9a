# Writes $STATE/site.json (0600) from the identity site, keystone-services.json and objects.json.
# shellcheck shell=bash
write_site_json() {
  local cinder=false; [[ $WITH_CINDER == 1 ]] && cinder=true
  umask 077
  jq -n --slurpfile id "$ID_JSON" --slurpfile ks "$STATE/keystone-services.json" \
    --slurpfile obj "$STATE/objects.json" --arg state "$STATE" --arg logd "$LOGD" --argjson cinder "$cinder" \
    --arg region "$REGION" --arg host "$COMPUTE_HOST" --arg rabbitNode "$RABBIT_NODE" \
    --argjson ports "$(jq -n --argjson r "$RABBIT_PORT" --argjson rd "$RABBIT_DIST_PORT" --argjson e "$EPMD_PORT" \
      --argjson m "$MYSQL_PORT" --argjson g "$GLANCE_PORT" --argjson p "$PLACEMENT_PORT" --argjson n "$NOVA_PORT" \
      --argjson q "$NEUTRON_PORT" --argjson c "$CINDER_PORT" --argjson ks "$(jq .ports.keystone "$ID_JSON")" \
      --argjson idp "$(jq .ports.idp "$ID_JSON")" \
      '{idp: $idp, keystone: $ks, rabbitmq: $r, rabbitmqDist: $rd, epmd: $e, mariadb: $m, glance: $g,
        placement: $p, nova: $n, neutron: $q, cinder: $c}')" '
  ($id[0]) as $i | ($obj[0]) as $o |
  {
    region: $region,
    authUrl: $i.keystone.authUrl,
    identitySiteJson: ($i.stateDir + "/site.json"),
    project: ($i.keystone.projects[] | select(.name == "vo.example")),
    projects: $i.keystone.projects,
    endpoints: ({identity: $i.keystone.authUrl} + ($ks[0].services | with_entries(.value = .value.url))),
    services: $ks[0].services,
    serviceProjectId: $ks[0].serviceProject,
    cinder: $cinder,
    computeHost: $host,
    flavors: $o.flavors, flavorIds: $o.flavorIds, duplicateSizeFlavors: $o.duplicateSizeFlavors,
    gpuFlavor: $o.gpuFlavor,
    images: $o.images, imageIdsByName: $o.imageIdsByName, duplicateImageName: $o.duplicateImageName,
    appdb: $o.appdb,
    networks: $o.networks, floatingIpPool: $o.floatingIpPool, quotas: $o.quotas,
    admin: { openrc: $i.keystone.adminOpenrc, credentials: $i.keystone.admin,
             howToGetToken: ("source " + $i.keystone.adminOpenrc + " && /usr/bin/python3 -m openstackclient.shell token issue") },
    rabbitmq: { node: $rabbitNode },
    ports: $ports,
    logs: {
      dir: $logd,
      rabbitmq: ($logd + "/rabbitmq"), mariadb: ($logd + "/mysqld.log"),
      glance: ($logd + "/glance-api.log"), placement: ($logd + "/placement.log"),
      novaApi: ($logd + "/nova-api.log"), novaConductor: ($logd + "/nova-conductor.log"),
      novaScheduler: ($logd + "/nova-scheduler.log"), novaCompute: ($logd + "/nova-compute.log"),
      neutron: ($logd + "/neutron-server.log"),
      cinderApi: (if $cinder then $logd + "/cinder-api.log" else null end),
      cinderScheduler: (if $cinder then $logd + "/cinder-scheduler.log" else null end),
      cinderVolume: (if $cinder then $logd + "/cinder-volume.log" else null end) },
    stateDir: $state
  }' >"$STATE/site.json.tmp"
  mv "$STATE/site.json.tmp" "$STATE/site.json"
  umask 022
}
