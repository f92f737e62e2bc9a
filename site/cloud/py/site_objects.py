"""Make the cloud look like an EGI site to project vo.example (idempotent): flavors, images,
networks, router, quotas. Run with /usr/bin/python3 after the APIs answer. Environment from up.sh;
prints a JSON description of what exists on stdout.
"""
import json
import os
import sys
import time

from keystoneauth1 import session
from keystoneauth1.identity import v3

env = os.environ
VO_PROJECT = env["VO_PROJECT_ID"]
IMG_FILE = env["IMAGE_FILE"]
APPDB = "https://appdb.egi.eu/store/vo/image/8df7ba00-8467-57aa-bf1e-05754a2a73bf"
FLAVORS = [  # name, vcpus, ram MB, disk GB, extra specs
    ("m1.small", 1, 2048, 20, {}), ("m1.medium", 2, 4096, 40, {}), ("m1.large", 4, 8192, 80, {}),
    ("g1.large", 4, 16384, 80, {"Accelerator:Number": "1", "Accelerator:Type": "gpu",
                                "Accelerator:Vendor": "nvidia"}),
    ("m1.small-b", 1, 2048, 20, {}),  # same size as m1.small on purpose
]


def registry(distro, version, title):
    ref = "egi_vm_images/%s:%s" % (distro, version)
    attrs = {"eu.egi.cloud.image_ref": ref, "ad:title": title, "ad:os": distro, "ad:osversion": version}
    return ("registry.egi.eu " + ref, "public", None, {
        "os_distro": distro, "os_version": version, "architecture": "x86_64",
        "image_list": "egi_vm_images", "APPLIANCE_ATTRIBUTES": json.dumps(attrs)}, ["atrope"])


def appdb(version, title):
    return ("%s [appdb %s]" % (title, version), "public", None, {
        "APPLIANCE_MPURI": "%s:%s/" % (APPDB, version), "APPLIANCE_TITLE": title,
        "APPLIANCE_VO": "vo.example", "os_distro": "ubuntu", "os_version": "22.04",
        "architecture": "x86_64"}, [])


# created in this order (created_at of the older AppDB version is earlier)
IMAGES = [
    appdb("6428", "EGI Ubuntu 22.04"), appdb("7015", "EGI Ubuntu 22.04"),
    registry("ubuntu", "22.04", "Ubuntu 22.04"), registry("alma", "9", "AlmaLinux 9"),
    ("my-snapshot-2026", "private", VO_PROJECT, {"image_type": "snapshot"}, []),
    ("debian-12", "public", None, {"os_distro": "debian", "os_version": "12"}, []),
    ("debian-12", "public", None, {"os_distro": "debian", "os_version": "12"}, []),  # duplicate name
]


def main():
    auth = v3.Password(auth_url=env["KS_AUTH_URL"], username="admin", password=env["KS_ADMIN_PASSWORD"],
                       project_name="admin", user_domain_id="default", project_domain_id="default")
    s = session.Session(auth=auth)

    def call(method, service, path, body=None, ok=(200, 201, 202, 204), **kw):
        headers = kw.pop("headers", {})
        r = s.request(path, method, endpoint_filter={"service_type": service, "interface": "public",
                                                     "region_name": "RegionOne"},
                      json=body, raise_exc=False, headers=headers, **kw)
        if r.status_code not in ok:
            sys.exit("site_objects.py: %s %s %s -> HTTP %s %s" % (method, service, path, r.status_code,
                                                                    r.text[:300]))
        return r.json() if r.content and r.headers.get("content-type", "").startswith("application/json") else {}

    nova_v = {"OpenStack-API-Version": "compute 2.61"}
    flavors = {f["name"]: f for f in call("GET", "compute", "/flavors/detail?is_public=None",
                                          headers=nova_v)["flavors"]}
    out_flavors = {}
    for name, vcpus, ram, disk, specs in FLAVORS:
        f = flavors.get(name) or call("POST", "compute", "/flavors", {"flavor": {
            "name": name, "vcpus": vcpus, "ram": ram, "disk": disk, "os-flavor-access:is_public": True}},
            headers=nova_v)["flavor"]
        if specs:
            call("POST", "compute", "/flavors/%s/os-extra_specs" % f["id"], {"extra_specs": specs})
        out_flavors[name] = {"id": f["id"], "vcpus": vcpus, "ram": ram, "disk": disk, "extraSpecs": specs}

    existing = call("GET", "image", "/v2/images?limit=1000")["images"]
    out_images, seen = [], {}
    for name, vis, owner, props, tags in IMAGES:
        key = (name, props.get("APPLIANCE_MPURI"))
        seen[key] = seen.get(key, 0) + 1
        matches = sorted([i for i in existing if i["name"] == name
                          and i.get("APPLIANCE_MPURI") == props.get("APPLIANCE_MPURI")],
                         key=lambda i: i["created_at"])
        if len(matches) >= seen[key]:
            img = matches[seen[key] - 1]
        else:
            if out_images and props.get("APPLIANCE_MPURI"):
                # Glance's created_at has 1 s resolution: make the newer AppDB version visibly newer
                while call("GET", "image", "/v2/images/%s" % out_images[-1]["id"])["created_at"] >= \
                        time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()):
                    time.sleep(0.2)
            body = dict(props, name=name, visibility=vis, disk_format="qcow2", container_format="bare",
                        tags=tags, min_disk=0, min_ram=0)
            if owner:
                body["owner"] = owner
            img = call("POST", "image", "/v2/images", body)
            with open(IMG_FILE, "rb") as fh:
                call("PUT", "image", "/v2/images/%s/file" % img["id"], data=fh.read(),
                     headers={"Content-Type": "application/octet-stream"})
            img = call("GET", "image", "/v2/images/%s" % img["id"])
        out_images.append({"id": img["id"], "name": name, "visibility": vis, "owner": img.get("owner"),
                           "created_at": img["created_at"], "status": img["status"], "tags": tags,
                           "properties": props})

    def find(kind, **q):
        qs = "&".join("%s=%s" % kv for kv in q.items())
        items = call("GET", "network", "/v2.0/%s?%s" % (kind, qs))[kind]
        return items[0] if items else None

    pub = find("networks", name="public") or call("POST", "network", "/v2.0/networks", {"network": {
        "name": "public", "router:external": True, "shared": False, "provider:network_type": "flat",
        "provider:physical_network": "public", "description": "floating IP pool"}})["network"]
    pub_sn = find("subnets", name="public-subnet") or call("POST", "network", "/v2.0/subnets", {"subnet": {
        "name": "public-subnet", "network_id": pub["id"], "ip_version": 4, "cidr": "172.24.4.0/24",
        "gateway_ip": "172.24.4.1", "enable_dhcp": False,
        "allocation_pools": [{"start": "172.24.4.10", "end": "172.24.4.250"}]}})["subnet"]
    net = find("networks", name="vo.example-net") or call("POST", "network", "/v2.0/networks", {"network": {
        "name": "vo.example-net", "project_id": VO_PROJECT, "shared": False}})["network"]
    sn = find("subnets", name="vo.example-subnet") or call("POST", "network", "/v2.0/subnets", {"subnet": {
        "name": "vo.example-subnet", "network_id": net["id"], "project_id": VO_PROJECT, "ip_version": 4,
        "cidr": "10.10.0.0/24", "gateway_ip": "10.10.0.1", "enable_dhcp": True,
        "dns_nameservers": ["8.8.8.8"]}})["subnet"]
    rt = find("routers", name="vo.example-router") or call("POST", "network", "/v2.0/routers", {"router": {
        "name": "vo.example-router", "project_id": VO_PROJECT,
        "external_gateway_info": {"network_id": pub["id"]}}})["router"]
    if not find("ports", device_id=rt["id"], network_id=net["id"]):
        call("PUT", "network", "/v2.0/routers/%s/add_router_interface" % rt["id"], {"subnet_id": sn["id"]})

    call("PUT", "compute", "/os-quota-sets/%s" % VO_PROJECT, {"quota_set": {
        "instances": 50, "cores": 200, "ram": 819200, "key_pairs": 100, "server_groups": 20}})
    call("PUT", "network", "/v2.0/quotas/%s" % VO_PROJECT, {"quota": {
        "network": 20, "subnet": 20, "port": 200, "router": 10, "floatingip": 50,
        "security_group": 50, "security_group_rule": 500}})
    cinder = env.get("WITH_CINDER") == "1"
    if cinder:
        call("PUT", "volumev3", "/os-quota-sets/%s" % VO_PROJECT, {"quota_set": {
            "volumes": 50, "gigabytes": 2000, "snapshots": 50}})

    by_name = {}
    for i in out_images:
        by_name.setdefault(i["name"], []).append(i["id"])
    json.dump({
        "flavors": out_flavors, "flavorIds": {n: f["id"] for n, f in out_flavors.items()},
        "duplicateSizeFlavors": ["m1.small", "m1.small-b"], "gpuFlavor": "g1.large",
        "images": out_images, "imageIdsByName": by_name, "duplicateImageName": "debian-12",
        "appdb": {"baseMpuri": APPDB, "older": out_images[0]["id"], "newer": out_images[1]["id"]},
        "networks": {"public": {"id": pub["id"], "subnetId": pub_sn["id"], "cidr": "172.24.4.0/24",
                                "external": True, "shared": False},
                     "private": {"name": "vo.example-net", "id": net["id"], "subnetId": sn["id"],
                                 "cidr": "10.10.0.0/24", "owner": VO_PROJECT},
                     "router": {"name": "vo.example-router", "id": rt["id"]}},
        "floatingIpPool": "public",
        "quotas": {"instances": 50, "cores": 200, "ram": 819200, "floatingip": 50, "port": 200,
                   "security_group": 50, "security_group_rule": 500,
                   "volumes": 50 if cinder else None, "gigabytes": 2000 if cinder else None},
    }, sys.stdout)
    print()


if __name__ == "__main__":
    main()
