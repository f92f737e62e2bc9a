# {{name}}

A [{{frameworkTitle}}]({{frameworkDocs}}) app that deploys one virtual
machine to an EGI Cloud (FedCloud) OpenStack site, reachable by SSH, with
[{{package}}](https://www.npmjs.com/package/{{package}}) {{version}}.

## Deploy

Needs Node.js {{nodeVersions}}, [Terraform](https://developer.hashicorp.com/terraform/install) on PATH,
and an SSH key (`ssh-keygen -t ed25519` makes one).

```sh
npm install
export CHECKIN_CLIENT_ID=token-portal                 # your Check-in client
export CHECKIN_REFRESH_TOKEN=...                      # from the Check-in Token Portal (env only)
export OS_AUTH_URL=https://<site keystone>:5000/v3
npx egi-cdktf projects                                # the projects you may use there
export OS_PROJECT_ID=<id from that list>
npx {{framework}} deploy                                      # builds, gets a Keystone token, deploys
```

Without a Check-in credential the app uses `OS_TOKEN`, as the EGI docs page does.

## Log in

`npx {{framework}} deploy` ends with the outputs `server_id`, `server_ip` (the address inside the site),
`floating_ip` (the public one) and `ssh_command`, the command to log in:

```sh
ssh ubuntu@<floating_ip>                              # the ssh_command output
npx {{framework}} output                                      # prints the outputs again
```

Give a minute after the deploy for the server to boot and install your key. `ubuntu` is the default
user of the Ubuntu images; for another image it is the distribution's cloud user (`almalinux`,
`rocky`, `debian`, ...), shown in the image's `os_distro` property (`openstack image show`) and on
its page in the EGI Artefact Registry: change `sshUser` in `main.ts`. When the key is not one ssh
tries by default, add `-i <its private key>`.

What makes the server reachable is four lines near the top of `VmStack` in `main.ts`, each one to
change:

- `publicKeyFile`: your SSH public key, registered in Nova as key pair `<stack>-key`. By default
  `SSH_PUBLIC_KEY_FILE`, else `~/.ssh/id_ed25519.pub`, else `~/.ssh/id_rsa.pub`; synth stops with
  one line when none exists. Only the `.pub` file is read.
- `sshFrom`: the network SSH may come from, in the security group `<stack>-ssh` (port 22).
  `0.0.0.0/0` (anywhere) so that you can log in from any network: the image accepts keys, not
  passwords. Narrow it to your institute's network or your own address (`"203.0.113.7/32"`) when
  you can.
- `floatingIpPool`: the site's external network, where the public address comes from; `public`
  here, but names differ between sites: `openstack network list --external` shows it.
- `sshUser`: the user the `ssh_command` output logs in as.

`npx {{framework}} destroy` removes the server, its floating IP, the security group and the key pair again.

## Files

- `main.ts`: the stack (`EgiSite`, a `KeyPair`, a `SecurityGroup`, a `VirtualMachine` with a floating
  IP, four outputs) and the app, run through `synthWithEgiTokens`, which gets the Keystone token
  before synthesizing.
- `main.test.ts`: `npm test` builds the app and checks what it synthesizes, with no site (and a test
  key of its own, not yours).
- `cdktf.json`: how `{{framework}}` runs the app (`tsc`, then `node dist/main.js`).
- `egi-cdktf.context.json` (after the first deploy): synth-time lookups such as the flavor,
  pinned; commit it.
- `.github/workflows/deploy.yml`: plan on pull requests (with a quota check, as a comment), deploy
  on main. Read its header first: CI needs the state in PostgreSQL (`TeamState.postgres` in
  `main.ts`) and your public key committed as `ssh-key.pub`.

`npx egi-cdktf --help` lists the other commands (tokens, sites by name, snapshots, Ansible
inventories, plan summaries).
