"""Create (idempotently) the service users and catalog entries of the cloud site in the identity
site's Keystone. Run with /usr/bin/python3. Settings come from the environment (set by up.sh);
prints {"serviceProject": id, "services": {...}} on stdout.
"""
import json
import os
import sys

from keystoneauth1 import session
from keystoneauth1.identity import v3
from keystoneclient.v3 import client

env = os.environ
H = "http://127.0.0.1"
REGION = "RegionOne"
# (user, service name, type, description, URL)
SERVICES = [
    ("glance", "glance", "image", "Image Service", "%s:%s" % (H, env["GLANCE_PORT"])),
    ("placement", "placement", "placement", "Placement API", "%s:%s" % (H, env["PLACEMENT_PORT"])),
    ("nova", "nova", "compute", "Compute", "%s:%s/v2.1" % (H, env["NOVA_PORT"])),
    ("neutron", "neutron", "network", "Networking", "%s:%s" % (H, env["NEUTRON_PORT"])),
]
if env.get("WITH_CINDER") == "1":
    url = "%s:%s/v3/%%(project_id)s" % (H, env["CINDER_PORT"])
    SERVICES += [("cinder", "cinderv3", "volumev3", "Block Storage v3", url),
                 (None, "cinder", "block-storage", "Block Storage", url)]


def one(items, what):
    if len(items) > 1:
        sys.exit("keystone_setup.py: more than one %s" % what)
    return items[0] if items else None


def main():
    auth = v3.Password(auth_url=env["KS_AUTH_URL"], username="admin", password=env["KS_ADMIN_PASSWORD"],
                       project_name="admin", user_domain_id="default", project_domain_id="default")
    ks = client.Client(session=session.Session(auth=auth), interface="public")
    pw = env["SERVICE_PASSWORD"]
    project = one(ks.projects.list(domain="default", name="service"), "service project") or \
        ks.projects.create("service", "default", description="OpenStack services")
    roles = {r.name: r for r in ks.roles.list()}
    if "service" not in roles:
        roles["service"] = ks.roles.create("service")
    out = {}
    for user_name, name, stype, desc, url in SERVICES:
        if user_name:
            user = one(ks.users.list(domain="default", name=user_name), "user " + user_name)
            if user:
                ks.users.update(user, password=pw)
            else:
                user = ks.users.create(user_name, domain="default", password=pw, default_project=project)
            for r in ("admin", "service"):
                ks.roles.grant(roles[r], user=user, project=project)
        svc = one([s for s in ks.services.list(type=stype) if s.name == name], "service " + name) or \
            ks.services.create(name, type=stype, description=desc)
        eps = ks.endpoints.list(service=svc, region_id=REGION)
        for iface in ("public", "internal", "admin"):
            mine = [e for e in eps if e.interface == iface]
            for extra in mine[1:]:
                ks.endpoints.delete(extra)
            if mine and mine[0].url != url:
                ks.endpoints.update(mine[0], url=url)
            elif not mine:
                ks.endpoints.create(svc, url, interface=iface, region=REGION)
        out[stype] = {"name": name, "id": svc.id, "url": url}
    json.dump({"serviceProject": project.id, "services": out}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
