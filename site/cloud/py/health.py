"""Wait until the compute (and volume) services have registered: health.py SECONDS.
Prints one line per check; exits 1 with the reason at the deadline. Environment from up.sh."""
import os
import sys
import time

from keystoneauth1 import session
from keystoneauth1.identity import v3

env = os.environ
deadline = time.time() + float(sys.argv[1])
auth = v3.Password(auth_url=env["KS_AUTH_URL"], username="admin", password=env["KS_ADMIN_PASSWORD"],
                   project_name="admin", user_domain_id="default", project_domain_id="default")
s = session.Session(auth=auth)


def get(service, path, **kw):
    r = s.get(path, endpoint_filter={"service_type": service, "interface": "public"}, raise_exc=False, **kw)
    return r.json() if r.status_code == 200 else None


checks = {
    "nova-compute up": lambda: any(x["binary"] == "nova-compute" and x["state"] == "up"
                                   for x in (get("compute", "/os-services") or {}).get("services", [])),
    "placement resource provider": lambda: len((get("placement", "/resource_providers",
                                                    headers={"OpenStack-API-Version": "placement 1.14"})
                                               or {}).get("resource_providers", [])) > 0,
}
if env.get("WITH_CINDER") == "1":
    checks["cinder-volume up"] = lambda: any(
        x["binary"] == "cinder-volume" and x["state"] == "up"
        for x in (get("volumev3", "/os-services") or {}).get("services", []))
pending = dict(checks)
last = {}
while pending:
    for name, fn in list(pending.items()):
        try:
            if fn():
                print("health: %s" % name)
                del pending[name]
        except Exception as e:  # noqa: BLE001 - keep polling until the deadline
            last[name] = str(e)
    if pending and time.time() > deadline:
        sys.exit("health: not ready at the deadline: %s %s" % (", ".join(pending), last))
    if pending:
        time.sleep(1)
