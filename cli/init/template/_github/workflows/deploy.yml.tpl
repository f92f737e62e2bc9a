# Infrastructure pull requests for {{name}}, on GitHub Actions (from examples/ci/github-actions.yml
# of {{package}}).
#
# Before the first run: keep the state in PostgreSQL (uncomment TeamState.postgres in main.ts), commit
# package-lock.json (npm ci needs it), egi-cdktf.context.json and the SSH public key the VM accepts
# (`cp ~/.ssh/id_ed25519.pub ssh-key.pub`: the runner has no ~/.ssh; a public key is no secret, and
# a reviewer then sees whose key logs in), and set the settings below.
#
# - pull request: synth, plan every stack against the team state, check the project's quota, and
#   post the summary as a PR comment (the job fails when a plan fails or a quota would be exceeded);
# - push to main (a merged PR): deploy every stack.
#
# Settings (repository Settings > Secrets and variables > Actions):
#   variables: CHECKIN_URL (e.g. https://aai.egi.eu/auth/realms/egi), CHECKIN_CLIENT_ID (a Check-in
#              service account), OS_AUTH_URL (the site's Keystone), OS_PROJECT_ID
#   secrets:   CHECKIN_CLIENT_SECRET (the service account's secret), PG_CONN_STR (the team state:
#              postgres://user:password@host/db?sslmode=require)
#   optional variable: EGI_CDKTF_AUTH=application-credential, for deploys longer than a token lives
#              (30 min at least, EGI_TOKEN_MIN_VALIDITY); the site must allow application credentials
# The Check-in secret reaches only egi-cdktf, which trades it for a Keystone token that terraform
# reads from a linked clouds.yaml: no secret is written to the plan, the state or the comment.
#
# With EGI_CDKTF_AUTH=application-credential each job makes a Keystone application credential (the
# runner starts with an empty token cache), and its last step ends it, even when the deploy failed
# or the run was cancelled: `egi-cdktf end-app-credentials`, equivalent to
# `openstack application credential delete`. Should that step never run (the runner is lost), the
# credential expires by itself after EGI_APP_CREDENTIAL_TTL, the jobs' timeout.
name: infrastructure

on:
  pull_request:
  push:
    branches: [main]

permissions:
  contents: read
  pull-requests: write

# One run per branch at a time; the pg backend's lock also serialises deploys of a stack.
concurrency:
  group: infrastructure-${{ github.ref }}
  cancel-in-progress: false

env:
  CHECKIN_URL: ${{ vars.CHECKIN_URL }}
  CHECKIN_CLIENT_ID: ${{ vars.CHECKIN_CLIENT_ID }}
  CHECKIN_CLIENT_SECRET: ${{ secrets.CHECKIN_CLIENT_SECRET }}
  OS_AUTH_URL: ${{ vars.OS_AUTH_URL }}
  OS_PROJECT_ID: ${{ vars.OS_PROJECT_ID }}
  PG_CONN_STR: ${{ secrets.PG_CONN_STR }}
  # the key pair of main.ts (committed: see above)
  SSH_PUBLIC_KEY_FILE: ssh-key.pub
  # a deploy waits up to 10 minutes for another one's state lock instead of failing at once
  TF_CLI_ARGS_apply: -lock-timeout=10m
  TF_CLI_ARGS_plan: -lock-timeout=10m
  CHECKPOINT_DISABLE: "1"
  EGI_CDKTF_AUTH: ${{ vars.EGI_CDKTF_AUTH || 'token' }}
  # seconds; keep it at least the jobs' timeout-minutes
  EGI_APP_CREDENTIAL_TTL: "7200"

jobs:
  plan:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    timeout-minutes: 120
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 22
      - uses: hashicorp/setup-terraform@v3
        with:
          terraform_wrapper: false
      - id: install
        run: npm ci
      - name: every stack keeps its state in PostgreSQL (a runner keeps no files between runs)
        run: |
          npx {{framework}} synth
          if grep -L '"pg"' cdktf.out/stacks/*/cdk.tf.json; then
            echo "::error::the stacks above keep their state on the runner's disk: uncomment TeamState.postgres(this) in main.ts"
            exit 1
          fi
      - run: npx egi-cdktf plan-summary --out plan-summary.md
      - if: always() && hashFiles('plan-summary.md') != ''
        run: gh pr comment "$PR" --body-file plan-summary.md --edit-last || gh pr comment "$PR" --body-file plan-summary.md
        env:
          GH_TOKEN: ${{ github.token }}
          PR: ${{ github.event.pull_request.number }}
      # Always (failure, cancel), once the install worked; --no: never a package of that name from the registry.
      - if: always() && steps.install.outcome == 'success'
        run: npx --no egi-cdktf end-app-credentials

  deploy:
    if: github.event_name == 'push' && github.ref == 'refs/heads/main'
    runs-on: ubuntu-latest
    environment: production
    timeout-minutes: 120
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 22
      - uses: hashicorp/setup-terraform@v3
        with:
          terraform_wrapper: false
      - id: install
        run: npm ci
      - name: every stack keeps its state in PostgreSQL (a runner keeps no files between runs)
        run: |
          npx {{framework}} synth
          if grep -L '"pg"' cdktf.out/stacks/*/cdk.tf.json; then
            echo "::error::the stacks above keep their state on the runner's disk: uncomment TeamState.postgres(this) in main.ts"
            exit 1
          fi
      - run: npx {{framework}} deploy '*' --auto-approve
      # Always (failure, cancel), once the install worked; --no: never a package of that name from the registry.
      - if: always() && steps.install.outcome == 'success'
        run: npx --no egi-cdktf end-app-credentials
