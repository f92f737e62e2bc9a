"""Create (idempotently) the EGI-like federation objects in the local Keystone.

Run with Debian's /usr/bin/python3 (needs python3-keystoneclient). Reads settings from the
environment (set by up.sh) and prints {"projects": [{"id", "name"}], ...} as JSON on stdout.
"""
import json
import os
import sys

from keystoneauth1 import session
from keystoneauth1.identity import v3
from keystoneclient import exceptions as ks_exc
from keystoneclient.v3 import client

env = os.environ
AUTH_URL = env["KS_AUTH_URL"]
ISSUER = env["KS_ISSUER"]
ENTITLEMENT = env["KS_ENTITLEMENT"]
DOMAIN, GROUP, ROLE = "egi", "vo.example-members", "member"
PROJECTS = ["vo.example", "vo.example-2"]
IDP, PROTOCOL, MAPPING = "egi.eu", "openid", "egi-openid-mapping"

RULES = [{
    "local": [
        {"user": {"name": "{0}", "type": "ephemeral"},
         "group": {"name": GROUP, "domain": {"name": DOMAIN}}},
    ],
    "remote": [
        {"type": "HTTP_OIDC_SUB"},
        {"type": "HTTP_OIDC_ISS", "any_one_of": [ISSUER]},
        # Apache drops headers with underscores: use the environment form set by mod_auth_openidc.
        {"type": "OIDC-eduperson_entitlement", "any_one_of": [ENTITLEMENT]},
    ],
}]


def one(items, what):
    if len(items) > 1:
        sys.exit("federation.py: more than one %s" % what)
    return items[0] if items else None


def main():
    auth = v3.Password(auth_url=AUTH_URL, username="admin", password=env["KS_ADMIN_PASSWORD"],
                       project_name="admin", user_domain_id="default", project_domain_id="default")
    ks = client.Client(session=session.Session(auth=auth), interface="public")

    domain = one(ks.domains.list(name=DOMAIN), "domain") or \
        ks.domains.create(DOMAIN, description="EGI federated users (test)")
    group = one(ks.groups.list(domain=domain, name=GROUP), "group") or \
        ks.groups.create(GROUP, domain=domain, description="members of vo.example")
    role = one(ks.roles.list(name=ROLE), "role") or ks.roles.create(ROLE)

    projects = []
    for name in PROJECTS:
        project = one(ks.projects.list(domain=domain, name=name), "project " + name) or \
            ks.projects.create(name, domain, description="VO vo.example (test)")
        ks.roles.grant(role, group=group, project=project)
        projects.append({"id": project.id, "name": project.name})

    try:
        idp = ks.federation.identity_providers.get(IDP)
        if list(idp.remote_ids) != [ISSUER]:
            ks.federation.identity_providers.update(IDP, remote_ids=[ISSUER], enabled=True)
    except ks_exc.NotFound:
        ks.federation.identity_providers.create(id=IDP, remote_ids=[ISSUER], domain_id=domain.id,
                                                enabled=True, description="EGI Check-in (test)")
    try:
        ks.federation.mappings.get(MAPPING)
        ks.federation.mappings.update(MAPPING, rules=RULES)
    except ks_exc.NotFound:
        ks.federation.mappings.create(mapping_id=MAPPING, rules=RULES)
    try:
        ks.federation.protocols.get(IDP, PROTOCOL)
        ks.federation.protocols.update(IDP, PROTOCOL, mapping=MAPPING)
    except ks_exc.NotFound:
        ks.federation.protocols.create(PROTOCOL, identity_provider=IDP, mapping=MAPPING)

    admin_project = one(ks.projects.list(domain="default", name="admin"), "admin project")
    json.dump({"domain": {"id": domain.id, "name": DOMAIN}, "group": GROUP, "role": ROLE,
               "projects": projects,
               "adminProject": {"id": admin_project.id, "name": "admin"}}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
