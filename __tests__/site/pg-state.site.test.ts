/**
 * Team state in PostgreSQL, for real: the site's PostgreSQL (site/state/up.sh), terraform's `pg`
 * backend set by TeamState.postgres, the connection string only in PG_CONN_STR, and the real cdktf
 * CLI deploying a stack of 2 servers through the hook from three clones of one app (three users:
 * own folders, HOMEs and token caches, one database). Checked on Nova, on the state rows in
 * PostgreSQL and on the files the runs leave.
 *
 * Deploys run with async spawn, each cdktf in its own process group (as a shell's job), so two can
 * run at once and a deploy can be interrupted like Ctrl-C (SIGINT to the group) or killed (SIGKILL).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { cdktfProject } from "../support/cdktf-project";
import { stripAnsi } from "../support/cli-output";
import { adminToken, cloudSite, serversNamed } from "../support/cloud-site";
import { createHttpClient } from "../../auth/http";
import { identitySite, mintRefreshToken, REPO, userEnv } from "../support/identity-site";
import { until } from "../support/poll";
import { signalGroup } from "../support/process-group";
import { scanForSecrets } from "../support/secret-scan";
import { HOLDERS, pgSite, processesIn, sql, stackLocked, stateServers } from "../support/state-db";
import { terraformEnv } from "../support/terraform";

const identity = identitySite();
const site = cloudSite();
const pg = pgSite();
const APP = path.join(REPO, "__tests__", "fixtures", "team-state-app.js");
const CDKTF = path.join(REPO, "node_modules", ".bin", "cdktf");
const STACK = `team-state-${process.pid}`;
const SCHEMA = `cdktf_${STACK.replace(/-/g, "_")}`;
const SERVER_NAMES = [`${STACK}-vm1`, `${STACK}-vm2`];
/** What terraform prints when it does not get the lock at once (and waits, with -lock-timeout). */
const WAITING = "Acquiring state lock. This may take a few moments...";
/** The pg backend's refusals: the workspace row's lock, or the database-wide lock of a first apply. */
const LOCKED = /Workspace is already locked: default|already locked for workspace creation/i;

/** Three users' clones of the app: a and b deploy at once, c is the second user who plans and destroys. */
const dirs = { a: cdktfProject(APP), b: cdktfProject(APP), c: cdktfProject(APP) };
type Clone = keyof typeof dirs;
const env = {} as Record<Clone, Record<string, string>>;
const stackDir = (clone: Clone) => path.join(dirs[clone], "cdktf.out", "stacks", STACK);

/** Every output of every run, for the secret scan. */
const outputs: Record<string, string> = {};
const running = new Set<ChildProcess>();
let deployStarted = false;

interface Line {
  readonly ms: number;
  readonly text: string;
}

interface Run {
  readonly child: ChildProcess;
  readonly lines: Line[];
  readonly output: () => string;
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number; output: string }>;
  /** Resolves with the time (ms after start) of the first output line matching `pattern`. */
  readonly waitFor: (pattern: RegExp | string, timeoutMs?: number) => Promise<number>;
}

/** `cdktf ARGS` in a clone, leader of its own process group, with the offline terraform setup. */
function startCdktf(clone: Clone, label: string, args: string[], extra: Record<string, string> = {}): Run {
  const tf = terraformEnv();
  if (args[0] === "deploy") deployStarted = true;
  const t0 = Date.now();
  const child = spawn(CDKTF, args, {
    cwd: dirs[clone],
    env: { ...env[clone], ...extra, TF_CLI_CONFIG_FILE: tf.TF_CLI_CONFIG_FILE!, PATH: tf.PATH!, CHECKPOINT_DISABLE: "1", CI: "1" },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  const lines: Line[] = [];
  let raw = "";
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    raw += d.toString("utf8");
    const parts = raw.split("\n");
    raw = parts.pop()!;
    for (const text of parts) lines.push({ ms: Date.now() - t0, text: stripAnsi(text) });
    for (const l of listeners) l();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const output = () => lines.map((l) => l.text).join("\n") + (raw ? `\n${stripAnsi(raw)}` : "");
  let exited = false;
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number; output: string }>((resolve) =>
    child.on("close", (code, signal) => {
      exited = true;
      running.delete(child);
      if (raw) lines.push({ ms: Date.now() - t0, text: stripAnsi(raw) });
      raw = "";
      outputs[`${label} (cdktf ${args.join(" ")})`] = output();
      for (const l of listeners) l();
      resolve({ code, signal, ms: Date.now() - t0, output: output() });
    }),
  );
  const waitFor = (pattern: RegExp | string, timeoutMs = 240_000) =>
    new Promise<number>((resolve, reject) => {
      const test = (t: string) => (typeof pattern === "string" ? t.includes(pattern) : pattern.test(t));
      const check = () => {
        const hit = lines.find((l) => test(l.text));
        if (hit) return finish(() => resolve(hit.ms));
        if (exited) return finish(() => reject(new Error(`${label}: cdktf exited before printing ${pattern}:\n${output().slice(-3000)}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`${label}: no ${pattern} after ${timeoutMs} ms:\n${output().slice(-3000)}`))), timeoutMs);
      const finish = (f: () => void) => {
        clearTimeout(timer);
        listeners.delete(check);
        f();
      };
      listeners.add(check);
      check();
    });
  return { child, lines, output, done, waitFor };
}

/** Wait for a run to end, killing its process group after `ms`. */
async function settle(run: Run, ms = 240_000): Promise<void> {
  const timer = setTimeout(() => signalGroup(run.child.pid, "SIGKILL"), ms);
  await run.done;
  clearTimeout(timer);
}

/** Run cdktf to the end (killing its group after `timeoutMs`). */
async function cdktf(clone: Clone, label: string, args: string[], extra: Record<string, string> = {}, timeoutMs = 300_000) {
  const run = startCdktf(clone, label, args, extra);
  const timer = setTimeout(() => signalGroup(run.child.pid, "SIGKILL"), timeoutMs);
  try {
    return await run.done;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What users of a shared state database should set: wait for the lock instead of failing at once
 * (another stack's first apply holds a database-wide lock too, see docs/team-state.md#waiting-for-the-lock).
 */
const LOCK_TIMEOUTS = { TF_CLI_ARGS_apply: "-lock-timeout=180s", TF_CLI_ARGS_destroy: "-lock-timeout=180s", TF_CLI_ARGS_plan: "-lock-timeout=180s" };

/** A cdktf command that must succeed, run as a user should: with lock timeouts. */
async function ok(clone: Clone, label: string, args: string[], extra: Record<string, string> = {}) {
  const flags = [...(args[0] === "deploy" || args[0] === "destroy" ? ["--auto-approve"] : []), "--skip-provider-lock"];
  const r = await cdktf(clone, label, [...args, ...flags], { ...LOCK_TIMEOUTS, ...extra });
  if (r.code !== 0) throw new Error(`${label}: cdktf ${args.join(" ")} failed (exit ${r.code}):\n${r.output.slice(-4000)}`);
  return r;
}

/** The real terraform in a clone's stack folder, with that user's environment. */
function terraform(clone: Clone, args: string[], label: string): { status: number | null; output: string } {
  const tf = terraformEnv();
  const r = spawnSync("terraform", args, {
    cwd: stackDir(clone),
    env: { ...env[clone], TF_CLI_CONFIG_FILE: tf.TF_CLI_CONFIG_FILE!, PATH: tf.PATH!, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" },
    encoding: "utf8",
    timeout: 120_000,
  });
  const output = stripAnsi(`${r.stdout}${r.stderr}`);
  outputs[`${label} (terraform ${args.join(" ")})`] = output;
  return { status: r.status, output };
}


/** The stack's servers on Nova (every project), by name -> ids. */
async function novaServers(): Promise<Record<string, string[]>> {
  const token = await adminToken();
  const out: Record<string, string[]> = {};
  for (const name of SERVER_NAMES) out[name] = (await serversNamed(token, site, name)).map((s) => s.id).sort();
  return out;
}

const count = (servers: Record<string, string[]>) => Object.values(servers).reduce((n, ids) => n + ids.length, 0);


/** The id terraform printed for a resource's creation ("vm1/server" -> "Creation complete after 4s [id=...]"). */
function createdId(output: string, resource: string): string | undefined {
  return output.match(new RegExp(`${resource}[^:\\n]*: Creation complete after [^\\n]*\\[id=([0-9a-f-]{36})\\]`))?.[1];
}

beforeAll(async () => {
  for (const clone of Object.keys(dirs) as Clone[]) {
    env[clone] = userEnv(identity, identity.clients.basic, {
      CHECKIN_REFRESH_TOKEN: await mintRefreshToken(identity, identity.clients.basic),
      PG_CONN_STR: pg.connStr,
      TEAM_STATE_STACK: STACK,
      IMAGE_ID: site.appdb.newer,
      FLAVOR_ID: site.flavorIds["m1.small"],
      PAUSE_SECONDS: "0",
    });
  }
  expect(stateServers(SCHEMA)).toEqual({});
  expect(count(await novaServers())).toBe(0);
});

afterAll(async () => {
  const problems: string[] = [];
  for (const child of running) signalGroup(child.pid, "SIGKILL");
  if (deployStarted) {
    const r = await cdktf("c", "cleanup", ["destroy", STACK, "--auto-approve", "--skip-provider-lock"], { TF_CLI_ARGS_destroy: "-lock-timeout=120s" }, 600_000);
    if (r.code !== 0) problems.push(`cdktf destroy failed (exit ${r.code}): ${r.output.slice(-1500)}`);
  }
  // servers no state knows of (a failed test between a hard kill and its recovery): delete them
  const token = await adminToken();
  for (const name of SERVER_NAMES) {
    for (const s of await serversNamed(token, site, name)) {
      const res = await createHttpClient().fetch(`${site.endpoints.compute}/servers/${s.id}`, { method: "DELETE", headers: { "X-Auth-Token": token } });
      problems.push(`server ${name} ${s.id} was left on Nova (deleted now: HTTP ${res.status})`);
    }
  }
  sql(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  if (problems.length) throw new Error(`pg-state cleanup: ${problems.join("; ")}`);
}, 900_000);

test("GIVEN two users' clones of one stack WHEN both run cdktf deploy at once with TF_CLI_ARGS_apply=-lock-timeout THEN one applies while the other waits on the lock, and Nova holds exactly the 2 declared servers", async () => {
  const lockTimeout = { TF_CLI_ARGS_apply: "-lock-timeout=180s", PAUSE_SECONDS: "20" };
  const a = startCdktf("a", "user a", ["deploy", STACK, "--auto-approve", "--skip-provider-lock"], lockTimeout);
  const b = startCdktf("b", "user b", ["deploy", STACK, "--auto-approve", "--skip-provider-lock"], lockTimeout);
  try {
    await bothDeploys(a, b);
  } finally {
    // a failed expectation must not leave a deploy running into the next test
    await Promise.all([settle(a), settle(b)]);
  }
}, 600_000);

/** The checks of the test above, on its two deploys (a and b started together). */
async function bothDeploys(a: Run, b: Run): Promise<void> {
  // While one of them is in its pause, the lock is held: a third user without -lock-timeout is refused at once.
  const paused = [a.waitFor("pause (local-exec)"), b.waitFor("pause (local-exec)")];
  paused.forEach((p) => p.catch(() => undefined)); // the waiter never runs the pause: it finds it done
  await Promise.race(paused);
  const refused = await cdktf("c", "user c during the deploys", ["diff", STACK, "--skip-provider-lock"]);
  expect(refused.code).not.toBe(0);
  expect(refused.output).toContain("Error acquiring the state lock");
  expect(refused.output).toMatch(LOCKED);

  const [ra, rb] = await Promise.all([a.done, b.done]);
  expect({ a: ra.code, b: rb.code }).toEqual({ a: 0, b: 0 });

  const waited = [a, b].filter((r) => r.lines.some((l) => l.text.includes(WAITING)));
  expect(waited).toHaveLength(1);
  const [waiter] = waited;
  const holder = waiter === a ? b : a;
  const i = waiter.lines.findIndex((l) => l.text.includes(WAITING));
  const waitMs = waiter.lines[i + 1].ms - waiter.lines[i].ms;
  // the holder created everything; the waiter got the lock afterwards, found it all and added nothing
  expect(holder.output()).toMatch(/Apply complete! Resources: 3 added, 0 changed, 0 destroyed/);
  expect(waiter.output()).toMatch(/Apply complete! Resources: 0 added, 0 changed, 0 destroyed/);
  expect(waitMs).toBeGreaterThan(5_000); // the holder's pause alone is 20 s
  console.log(`pg-state: lock wait ${waitMs} ms (waiter ${waiter === a ? "a" : "b"}: ${(waiter === a ? ra : rb).ms} ms in all, holder ${(holder === a ? ra : rb).ms} ms)`);

  const nova = await novaServers();
  expect(Object.values(nova).map((ids) => ids.length)).toEqual([1, 1]);
  const state = stateServers(SCHEMA);
  expect(Object.fromEntries(Object.entries(state).map(([n, id]) => [n, [id]]))).toEqual(nova);
  expect(stackLocked(SCHEMA)).toBe(0);
}

test("GIVEN the stack deployed WHEN a second user plans from another clone (own HOME, same database) THEN no changes, and terraform keeps no connection string in .terraform", async () => {
  const r = await ok("c", "user c plan", ["diff", STACK]);
  expect(r.output).toContain("No changes. Your infrastructure matches the configuration.");

  const backend = JSON.parse(fs.readFileSync(path.join(stackDir("c"), ".terraform", "terraform.tfstate"), "utf8")).backend;
  expect(backend.type).toBe("pg");
  expect(backend.config).toMatchObject({ conn_str: null, schema_name: SCHEMA });
  const synthesized = JSON.parse(fs.readFileSync(path.join(stackDir("c"), "cdk.tf.json"), "utf8"));
  expect(synthesized.terraform.backend).toEqual({ pg: { schema_name: SCHEMA } });
  // the state is in PostgreSQL, not in the clones
  expect(Object.values(dirs).flatMap((d) => fs.readdirSync(d)).filter((f) => f.endsWith(".tfstate"))).toEqual([]);
}, 300_000);

test("GIVEN a deploy interrupted like Ctrl-C (SIGINT to cdktf's process group) after the first server is created WHEN rerun THEN no unlock is needed and it converges to exactly the declared servers", async () => {
  await ok("c", "user c destroy before SIGINT", ["destroy", STACK]);
  expect(count(await novaServers())).toBe(0);

  const run = startCdktf("a", "user a interrupted", ["deploy", STACK, "--auto-approve", "--skip-provider-lock"], { PAUSE_SECONDS: "120" });
  await run.waitFor("pause (local-exec)");
  const vm1 = createdId(run.output(), "vm1_server");
  expect(vm1).toBeDefined();
  const t0 = Date.now();
  signalGroup(run.child.pid, "SIGINT");
  const r = await run.done;
  expect(r.code).not.toBe(0);
  await until("no process left in clone a", () => (processesIn(dirs.a).length === 0 ? true : undefined), 20_000);
  console.log(`pg-state: SIGINT -> cdktf and terraform gone in ${Date.now() - t0} ms`);

  // terraform stopped cleanly: the lock is free (no force-unlock), the first server is in the state
  expect(stackLocked(SCHEMA)).toBe(0);
  expect(stateServers(SCHEMA)).toEqual({ [`${STACK}-vm1`]: vm1 });
  expect(await novaServers()).toEqual({ [`${STACK}-vm1`]: [vm1], [`${STACK}-vm2`]: [] });

  await ok("a", "user a rerun after SIGINT", ["deploy", STACK]);
  const nova = await novaServers();
  expect(count(nova)).toBe(2);
  expect(nova[`${STACK}-vm1`]).toEqual([vm1]); // kept, not duplicated
  expect(stateServers(SCHEMA)).toEqual({ [`${STACK}-vm1`]: vm1, [`${STACK}-vm2`]: nova[`${STACK}-vm2`][0] });
}, 600_000);

test("GIVEN a deploy killed hard (SIGKILL to cdktf's process group) after the first server is created WHEN rerun THEN the lock is already free, a server the state missed is imported, and it converges to exactly the declared servers", async () => {
  await ok("c", "user c destroy before SIGKILL", ["destroy", STACK]);
  expect(count(await novaServers())).toBe(0);

  const run = startCdktf("a", "user a killed", ["deploy", STACK, "--auto-approve", "--skip-provider-lock"], { PAUSE_SECONDS: "120" });
  await run.waitFor("pause (local-exec)");
  const vm1 = createdId(run.output(), "vm1_server")!;
  expect(vm1).toBeDefined();
  const t0 = Date.now();
  signalGroup(run.child.pid, "SIGKILL");
  await run.done;
  // terraform runs in cdktf's pty: the hangup ends it and its provider and sleep too
  await until("no process left in clone a", () => (processesIn(dirs.a).length === 0 ? true : undefined), 20_000);
  console.log(`pg-state: SIGKILL -> cdktf and terraform gone in ${Date.now() - t0} ms`);

  // PostgreSQL ended the killed session's advisory lock with its connection: nothing to unlock
  expect(stackLocked(SCHEMA)).toBe(0);
  const plan = await ok("c", "user c plan after SIGKILL", ["diff", STACK]);

  // The server exists on Nova; the state has it only if terraform persisted it before the kill
  // (a remote state is written at most every 20 s during an apply, and at the end).
  expect(await novaServers()).toEqual({ [`${STACK}-vm1`]: [vm1], [`${STACK}-vm2`]: [] });
  const inState = stateServers(SCHEMA)[`${STACK}-vm1`] === vm1;
  console.log(`pg-state: after SIGKILL the first server was ${inState ? "in the state" : "missing from the state (an orphan): imported"}`);
  if (!inState) {
    expect(stateServers(SCHEMA)).toEqual({});
    expect(plan.output).toMatch(/Plan: 3 to add/);
    const address = Object.keys(JSON.parse(fs.readFileSync(path.join(stackDir("a"), "cdk.tf.json"), "utf8")).resource.openstack_compute_instance_v2).find((k) => k.startsWith("vm1_"));
    const imported = terraform("a", ["import", "-no-color", "-input=false", `openstack_compute_instance_v2.${address}`, vm1], "user a import");
    expect(imported.output).toContain("Import successful!");
    expect(imported.status).toBe(0);
  }

  await ok("a", "user a rerun after SIGKILL", ["deploy", STACK]);
  const nova = await novaServers();
  expect(count(nova)).toBe(2);
  expect(nova[`${STACK}-vm1`]).toEqual([vm1]);
  expect(stateServers(SCHEMA)).toEqual({ [`${STACK}-vm1`]: vm1, [`${STACK}-vm2`]: nova[`${STACK}-vm2`][0] });
}, 600_000);

test("GIVEN a terraform that holds the lock and does not exit WHEN another user runs terraform force-unlock with the printed lock ID THEN it reports success but the lock stays, and ending the holder's PostgreSQL session frees it", async () => {
  // `terraform console` keeps the state locked while it runs: a stand-in for a hung deploy
  const tf = terraformEnv();
  const holder = spawn("terraform", ["console"], {
    cwd: stackDir("c"),
    env: { ...env.c, TF_CLI_CONFIG_FILE: tf.TF_CLI_CONFIG_FILE!, PATH: tf.PATH!, CHECKPOINT_DISABLE: "1" },
    stdio: ["pipe", "ignore", "ignore"],
    detached: true,
  });
  running.add(holder);
  const holderExit = new Promise((resolve) => holder.on("close", resolve));
  try {
    await until("the console's lock", () => (stackLocked(SCHEMA) > 0 ? true : undefined));

    const refused = terraform("b", ["plan", "-no-color", "-input=false", "-lock-timeout=0s"], "user b plan while locked");
    expect(refused.status).not.toBe(0);
    expect(refused.output).toContain("Error acquiring the state lock");
    expect(refused.output).toMatch(LOCKED);
    const id = refused.output.match(/ID:\s+([0-9a-f-]{36})/)![1];

    const unlock = terraform("b", ["force-unlock", "-force", "-no-color", id], "user b force-unlock");
    expect(unlock.status).toBe(0);
    expect(unlock.output).toContain("Terraform state has been successfully unlocked!");
    // ... but the pg backend keeps no lock record to remove: the advisory lock is the holder's session's
    expect(stackLocked(SCHEMA)).toBeGreaterThan(0);
    const still = terraform("b", ["plan", "-no-color", "-input=false", "-lock-timeout=0s"], "user b plan after force-unlock");
    expect(still.status).not.toBe(0);
    expect(still.output).toMatch(LOCKED);

    // what does free it: ending the holder's session (the state user may end its own role's sessions)
    const ended = sql(`SELECT count(pg_terminate_backend(l.pid)) ${HOLDERS(SCHEMA)}`);
    expect(ended).toBe("1");
    await until("the lock to go", () => (stackLocked(SCHEMA) === 0 ? true : undefined), 10_000);
    const planned = terraform("b", ["plan", "-no-color", "-input=false", "-lock-timeout=60s"], "user b plan after terminate");
    expect(planned.output).not.toContain("Error");
    expect(planned.output).toContain("Refreshing state...");
    expect(planned.status).toBe(0);
  } finally {
    holder.stdin!.end();
    signalGroup(holder.pid, "SIGKILL");
    await holderExit;
  }
}, 300_000);

test("GIVEN the deployed stack WHEN the second user destroys it from their clone THEN no server of the stack remains on Nova and the state lists none", async () => {
  await ok("c", "user c destroy", ["destroy", STACK], { TF_CLI_ARGS_destroy: "-lock-timeout=120s" });
  expect(count(await novaServers())).toBe(0);
  expect(stateServers(SCHEMA)).toEqual({});
  expect(stackLocked(SCHEMA)).toBe(0);
}, 300_000);

test("GIVEN every run above WHEN the clones, the users' HOMEs and all output are scanned THEN the PostgreSQL password is nowhere", () => {
  const roots = [...Object.values(dirs), ...Object.values(env).map((e) => e.HOME)];
  const report = scanForSecrets(roots, { "PostgreSQL password": pg.password, "connection string": pg.connStr }, { outputs });
  console.log(`pg-state: secret scan of ${report.files} files, ${report.zips} zips (${report.zipMembers} members), ${Object.keys(outputs).length} outputs`);
  expect(report.leaks).toEqual([]);
  expect(report.files).toBeGreaterThan(20);
  expect(report.zips).toBeGreaterThan(0); // cdktf diff's saved plans, opened
  expect(Object.keys(outputs).length).toBeGreaterThan(10);
});
