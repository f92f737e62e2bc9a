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
# A second IdP with only protocol `oidc` (same mapping). Keystone forbids two IdPs sharing a remote
# id, so its remote id is a fixed value Apache sets in EGI_OIDC_SITE ([oidc] remote_id_attribute).
OIDC_ONLY_IDP, OIDC_ONLY_PROTOCOL = env["KS_OIDC_ONLY_IDP"], "oidc"
OIDC_ONLY_REMOTE_ID = env["KS_OIDC_ONLY_REMOTE_ID"]
# Its own users' domain: Keystone derives a federated user's id from (IdP domain, unique id), so the
# same user arriving through two IdPs of one domain is a 409 "Duplicate entry" on federated_user.
OIDC_ONLY_DOMAIN = "egi-oidc"

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


def ensure_domain(ks, name, description):
    return one(ks.domains.list(name=name), "domain " + name) or \
        ks.domains.create(name, description=description)


def ensure_idp(ks, idp_id, remote_id, domain, description):
    try:
        idp = ks.federation.identity_providers.get(idp_id)
        if idp.domain_id != domain.id:  # immutable: recreate (drops its protocols and users)
            ks.federation.identity_providers.delete(idp_id)
            raise ks_exc.NotFound()
        if list(idp.remote_ids) != [remote_id] or not idp.enabled:
            ks.federation.identity_providers.update(idp_id, remote_ids=[remote_id], enabled=True)
    except ks_exc.NotFound:
        ks.federation.identity_providers.create(id=idp_id, remote_ids=[remote_id], domain_id=domain.id,
                                                enabled=True, description=description)


def ensure_protocol(ks, idp_id, protocol):
    try:
        ks.federation.protocols.get(idp_id, protocol)
        ks.federation.protocols.update(idp_id, protocol, mapping=MAPPING)
    except ks_exc.NotFound:
        ks.federation.protocols.create(protocol, identity_provider=idp_id, mapping=MAPPING)


def main():
    auth = v3.Password(auth_url=AUTH_URL, username="admin", password=env["KS_ADMIN_PASSWORD"],
                       project_name="admin", user_domain_id="default", project_domain_id="default")
    ks = client.Client(session=session.Session(auth=auth), interface="public")

    domain = ensure_domain(ks, DOMAIN, "EGI federated users (test)")
    group = one(ks.groups.list(domain=domain, name=GROUP), "group") or \
        ks.groups.create(GROUP, domain=domain, description="members of vo.example")
    role = one(ks.roles.list(name=ROLE), "role") or ks.roles.create(ROLE)

    projects = []
    for name in PROJECTS:
        project = one(ks.projects.list(domain=domain, name=name), "project " + name) or \
            ks.projects.create(name, domain, description="VO vo.example (test)")
        ks.roles.grant(role, group=group, project=project)
        projects.append({"id": project.id, "name": project.name})

    ensure_idp(ks, IDP, ISSUER, domain, "EGI Check-in (test)")
    ensure_idp(ks, OIDC_ONLY_IDP, OIDC_ONLY_REMOTE_ID,
               ensure_domain(ks, OIDC_ONLY_DOMAIN, "users of IdP %s (test)" % OIDC_ONLY_IDP),
               "EGI Check-in, protocol oidc only (test)")
    try:
        ks.federation.mappings.get(MAPPING)
        ks.federation.mappings.update(MAPPING, rules=RULES)
    except ks_exc.NotFound:
        ks.federation.mappings.create(mapping_id=MAPPING, rules=RULES)
    ensure_protocol(ks, IDP, PROTOCOL)
    ensure_protocol(ks, OIDC_ONLY_IDP, OIDC_ONLY_PROTOCOL)

    admin_project = one(ks.projects.list(domain="default", name="admin"), "admin project")
    json.dump({"domain": {"id": domain.id, "name": DOMAIN}, "group": GROUP, "role": ROLE,
               "projects": projects, "identityProviderOidcOnly": OIDC_ONLY_IDP,
               "adminProject": {"id": admin_project.id, "name": "admin"}}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
