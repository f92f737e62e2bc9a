# Infrastructure pull requests for {{name}}, on GitHub Actions (from examples/ci/github-actions.yml
# of {{package}}).
#
# Before the first run: keep the state in PostgreSQL (uncomment TeamState.postgres in main.ts), commit
# package-lock.json (npm ci needs it), egi-cdktf.context.json and the SSH public key the VM accepts
# (`cp ~/.ssh/id_ed25519.pub ssh-key.pub`: the runner has no ~/.ssh; a public key is no secret, and
# a reviewer then sees whose key logs in), and set the settings below.
#
# - pull request: synth, plan the stacks the PR changes (label it full-plan for every stack) against
#   the team state, check the project's quota, and keep one sticky comment with the summary up to
#   date (the job fails when a plan fails or a quota would be exceeded); the summary also goes to the
#   job's step summary, and the whole of it, never cut, to the run's artifacts;
# - push to main (a merged PR): fetch the summary the PR was reviewed with, plan again and stop if
#   the plans differ from it, then deploy every stack;
# - schedule (daily) or by hand: look for drift (changes on the site made outside terraform) and
#   keep one issue open while there is some, closed once it is gone.
#
# Settings (repository Settings > Secrets and variables > Actions):
#   variables: CHECKIN_URL (e.g. https://aai.egi.eu/auth/realms/egi), CHECKIN_CLIENT_ID (a Check-in
#              service account), OS_AUTH_URL (the site's Keystone), OS_PROJECT_ID
#   secrets:   CHECKIN_CLIENT_SECRET (the service account's secret), PG_CONN_STR (the team state:
#              postgres://user:password@host/db?sslmode=require)
#   optional variable: EGI_CDKTF_AUTH=application-credential, for deploys longer than a token lives
#              (30 min at least, EGI_TOKEN_MIN_VALIDITY); the site must allow application credentials
# The comments and the issue are written with the job's GITHUB_TOKEN (permissions below, per job).
# The Check-in secret reaches only egi-cdktf, which trades it for a Keystone token that terraform
# reads from a linked clouds.yaml: no secret is written to the plan, the state or the comment.
#
# Masking: GitHub masks the secrets above in the log by itself. The tokens egi-cdktf derives from
# them (Check-in access token, Keystone token, application credential secret) are registered with
# `::add-mask::` as soon as egi-cdktf has them, also inside `cdktf deploy` (whose app prints the
# command on stdout, which cdktf passes on), so that they show as *** should anything print them
# later in the job (TF_LOG, a provider's debug output). egi-cdktf never prints them itself.
#
# With EGI_CDKTF_AUTH=application-credential each job makes a Keystone application credential (the
# runner starts with an empty token cache), and its last step ends it, even when the deploy failed
# or the run was cancelled: `egi-cdktf end-app-credentials`, equivalent to
# `openstack application credential delete`. Should that step never run (the runner is lost), the
# credential expires by itself after EGI_APP_CREDENTIAL_TTL, the jobs' timeout.
name: infrastructure

on:
  pull_request:
    # labeled: adding the full-plan label plans every stack at once
    types: [opened, synchronize, reopened, labeled]
  push:
    branches: [main]
  schedule:
    - cron: "23 5 * * *"
  workflow_dispatch:

# Each job asks for what it writes, no more.
permissions:
  contents: read

# One run per branch at a time (the drift check on main waits for a deploy); the pg backend's lock
# also serialises deploys of a stack.
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
  # a deploy waits up to 10 minutes for another one's state lock instead of failing at once
  TF_CLI_ARGS_apply: -lock-timeout=10m
  TF_CLI_ARGS_plan: -lock-timeout=10m
  CHECKPOINT_DISABLE: "1"
  EGI_CDKTF_AUTH: ${{ vars.EGI_CDKTF_AUTH || 'token' }}
  # seconds; keep it at least the jobs' timeout-minutes
  EGI_APP_CREDENTIAL_TTL: "7200"
  # the key pair of main.ts (committed: see above)
  SSH_PUBLIC_KEY_FILE: ssh-key.pub

jobs:
  plan:
    # a label other than full-plan changes nothing to plan
    if: github.event_name == 'pull_request' && (github.event.action != 'labeled' || github.event.label.name == 'full-plan')
    runs-on: ubuntu-latest
    timeout-minutes: 120
    permissions:
      contents: read
      pull-requests: write
    steps:
      - uses: actions/checkout@v4
        with:
          # --changed-since synthesizes the app at the base branch too: it needs its history
          fetch-depth: 0
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
      # Only the stacks whose synthesized configuration the PR changes (GITHUB_BASE_REF: the branch
      # it goes into), unless the PR has the label full-plan.
      - if: "!contains(github.event.pull_request.labels.*.name, 'full-plan')"
        run: npx egi-cdktf plan-summary --out plan-summary.md --full-out plan-summary-full.md --step-summary --changed-since "origin/$GITHUB_BASE_REF"
      - if: contains(github.event.pull_request.labels.*.name, 'full-plan')
        run: npx egi-cdktf plan-summary --out plan-summary.md --full-out plan-summary-full.md --step-summary
      # The one comment of this app on the PR (found by its hidden marker), edited on every push;
      # also when the plan failed, since the summary says why.
      - if: always() && hashFiles('plan-summary.md') != ''
        run: npx egi-cdktf pr-comment plan-summary.md
        env:
          GITHUB_TOKEN: ${{ github.token }}
      - if: always() && hashFiles('plan-summary-full.md') != ''
        uses: actions/upload-artifact@v4
        with:
          name: plan-summary-full
          path: plan-summary-full.md
          if-no-files-found: ignore
      # Always (failure, cancel), once the install worked; --no: never a package of that name from the registry.
      - if: always() && steps.install.outcome == 'success'
        run: npx --no egi-cdktf end-app-credentials

  deploy:
    if: github.event_name == 'push' && github.ref == 'refs/heads/main'
    runs-on: ubuntu-latest
    environment: production
    timeout-minutes: 120
    permissions:
      contents: read
      # reviewed-summary reads the merged PR's comment
      pull-requests: read
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
      # The summary the merged PR was reviewed with (its sticky comment); a push that no PR merged
      # has none, and stops here.
      - run: npx egi-cdktf reviewed-summary --out reviewed.md
        env:
          GITHUB_TOKEN: ${{ github.token }}
      # Plan again: fails, and so stops the deploy, when the plans differ from the reviewed ones
      # (main moved on, or the site changed since).
      - run: npx egi-cdktf plan-summary --reviewed reviewed.md --out check.md --step-summary
      - run: npx {{framework}} deploy '*' --auto-approve
      # Always (failure, cancel), once the install worked; --no: never a package of that name from the registry.
      - if: always() && steps.install.outcome == 'success'
        run: npx --no egi-cdktf end-app-credentials

  drift:
    if: github.event_name == 'schedule' || github.event_name == 'workflow_dispatch'
    runs-on: ubuntu-latest
    timeout-minutes: 120
    permissions:
      contents: read
      issues: write
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
      # Refresh-only plans of every stack. Exit 2 with drift.md written: drift, which the next step
      # reports (the job stays green); any other failure (a plan failed: 1; a usage error: 2, and no
      # drift.md) fails the job.
      - run: npx egi-cdktf plan-summary --drift --out drift.md --step-summary || test $? -eq 2 -a -s drift.md
      # Opens (or updates) one issue while there is drift, closes it once there is none.
      - run: npx egi-cdktf drift-issue drift.md
        env:
          GITHUB_TOKEN: ${{ github.token }}
      # Always (failure, cancel), once the install worked; --no: never a package of that name from the registry.
      - if: always() && steps.install.outcome == 'success'
        run: npx --no egi-cdktf end-app-credentials
