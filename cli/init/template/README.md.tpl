# {{name}}

A [{{frameworkTitle}}]({{frameworkDocs}}) app that deploys one virtual
machine to an EGI Cloud (FedCloud) OpenStack site, with
[{{package}}](https://www.npmjs.com/package/{{package}}) {{version}}.

## Deploy

Needs Node.js {{nodeVersions}}, and [Terraform](https://developer.hashicorp.com/terraform/install) on PATH.

```sh
npm install
export CHECKIN_CLIENT_ID=token-portal                 # your Check-in client
export CHECKIN_REFRESH_TOKEN=...                      # from the Check-in Token Portal (env only)
export OS_AUTH_URL=https://<site keystone>:5000/v3
npx egi-cdktf projects                                # the projects you may use there
export OS_PROJECT_ID=<id from that list>
npx {{framework}} deploy                                      # builds, gets a Keystone token, deploys
npx {{framework}} destroy                                     # removes the server again
```

`npx {{framework}} deploy` prints the outputs `server_id` and `server_ip`. Without a Check-in credential
the app uses `OS_TOKEN`, as the EGI docs page does.

## Files

- `main.ts`: the stack (`EgiSite`, a `VirtualMachine`, two outputs) and the app, run through
  `synthWithEgiTokens`, which gets the Keystone token before synthesizing.
- `main.test.ts`: `npm test` builds the app and checks what it synthesizes, with no site.
- `cdktf.json`: how `{{framework}}` runs the app (`tsc`, then `node dist/main.js`).
- `egi-cdktf.context.json` (after the first deploy): synth-time lookups such as the flavor,
  pinned; commit it.
- `.github/workflows/deploy.yml`: plan on pull requests (with a quota check, as a comment), deploy
  on main. Read its header first: CI needs the state in PostgreSQL (`TeamState.postgres` in
  `main.ts`).

`npx egi-cdktf --help` lists the other commands (tokens, sites by name, snapshots, Ansible
inventories, plan summaries).
