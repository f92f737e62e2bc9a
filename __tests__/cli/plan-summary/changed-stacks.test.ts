/**
 * --changed-since on real git repositories (git init, commits, a shallow clone) with a tiny app whose
 * `app` command writes what cdktf synth writes (manifest.json and one folder a stack, cdk.tf.json
 * with the local backend's absolute state path) from the committed stacks.json: no terraform, no
 * site. The app lives in `infra/` and its dependency `shape` in the repository's top node_modules
 * (not committed), so the base finds it only through the head's, linked in.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { changedSince, resolveRef } from "../../../cli/plan-summary/changed-stacks";
import { readManifest, readProject, synthesize } from "../../../cli/plan-summary/synth";
import { UsageError } from "../../../cli/command";
import { tempDirsRemovedAfterAll } from "../../support/temp-dirs";

const tempDir = tempDirsRemovedAfterAll();
const REPO = path.resolve(__dirname, "..", "..", "..");

/** The app: stacks.json -> the output folder; files the hook and terraform leave, different every run. */
const APP = `const fs = require("node:fs");
const path = require("node:path");
const crypto = require("node:crypto");
const shape = require("shape");
const cfg = JSON.parse(fs.readFileSync("stacks.json", "utf8"));
if (cfg.fail) { console.error("the app is broken: " + cfg.fail); process.exit(1); }
if (cfg.hang) { fs.writeFileSync(process.env.HANG_READY, String(process.pid)); setInterval(() => {}, 1000); } else synth();
function synth() {
const out = process.env.CDKTF_OUTDIR;
const stacks = {};
for (const [name, s] of Object.entries(cfg.stacks)) {
  const dir = path.join(out, "stacks", name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(shape(name, s.config), null, cfg.indent ?? 2));
  for (const [file, text] of Object.entries(s.assets ?? {})) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  // a stand-in for the hook's files: a clouds.yaml link into the token cache, keyed by the folder, and the cloud names
  const cache = path.join(process.env.FAKE_TOKEN_CACHE, "clouds");
  fs.mkdirSync(cache, { recursive: true });
  const key = crypto.createHash("sha256").update(path.resolve(dir)).digest("hex");
  fs.writeFileSync(path.join(cache, key + ".json"), String(Math.random()));
  fs.rmSync(path.join(dir, "clouds.yaml"), { force: true });
  fs.symlinkSync(path.join(cache, key + ".json"), path.join(dir, "clouds.yaml"));
  fs.writeFileSync(path.join(dir, "egi-cdktf.auto.tfvars.json"), JSON.stringify({ cloud: String(Math.random()) }));
  stacks[name] = { name, workingDirectory: "stacks/" + name, annotations: s.annotations ?? [] };
}
fs.writeFileSync(path.join(out, "manifest.json"), JSON.stringify({ version: "0.21.0", stacks }));
}
`;

/** node_modules/shape: cdk.tf.json as cdktf writes it, with the default local backend's absolute state path. */
const SHAPE = `const path = require("node:path");
module.exports = (name, config) => ({ terraform: { backend: { local: { path: path.join(process.cwd(), "terraform." + name + ".tfstate") } } }, ...config });
`;

interface StackConfig {
  readonly config: Record<string, unknown>;
  /** The manifest's annotations for the stack, as cdktf writes them. */
  readonly annotations?: ReadonlyArray<{ level: string; constructPath: string; message: string }>;
  readonly assets?: Record<string, string>;
}
interface AppConfig {
  readonly stacks?: Record<string, StackConfig>;
  readonly indent?: number;
  readonly fail?: string;
  /** The app waits forever (writing its pid to $HANG_READY first). */
  readonly hang?: boolean;
}

const server = (name: string, flavor = "m1.small") => ({ resource: { openstack_compute_instance_v2: { [name]: { name, flavor_name: flavor } } } });

function git(dir: string, ...args: string[]): string {
  const r = spawnSync("git", args, { cwd: dir, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

/** A repository whose first commit is the app at `first`; returns the app folder (infra/). */
function repoWith(first: AppConfig): { top: string; dir: string; cache: string } {
  const top = tempDir("egi-changed-repo-");
  const dir = path.join(top, "infra");
  fs.mkdirSync(path.join(top, "node_modules", "shape"), { recursive: true });
  fs.writeFileSync(path.join(top, "node_modules", "shape", "index.js"), SHAPE);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(top, ".gitignore"), "node_modules/\ncdktf.out/\n");
  fs.writeFileSync(path.join(dir, "app.js"), APP);
  fs.writeFileSync(path.join(dir, "cdktf.json"), JSON.stringify({ language: "typescript", app: "node app.js" }));
  git(top, "init", "-q", "-b", "main");
  git(top, "config", "user.email", "test@example.org");
  git(top, "config", "user.name", "test");
  commit(top, dir, first, "first");
  return { top, dir, cache: tempDir("egi-changed-cache-") };
}

function commit(top: string, dir: string, config: AppConfig, message: string): void {
  writeConfig(dir, config);
  git(top, "add", "-A");
  git(top, "commit", "-q", "-m", message);
}

function writeConfig(dir: string, config: AppConfig): void {
  fs.writeFileSync(path.join(dir, "stacks.json"), JSON.stringify(config, null, 2));
}

/** Synthesize the head as plan-summary does, then compare with `ref`; the log lines and the temp folders made. */
async function compare(repo: { dir: string; cache: string }, ref: string, only?: string[]) {
  const tmp = tempDir("egi-changed-tmp-");
  const before = process.env.TMPDIR;
  process.env.TMPDIR = tmp; // os.tmpdir(): where the worktree goes
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: tmp, FAKE_TOKEN_CACHE: repo.cache };
  const log: string[] = [];
  try {
    const project = readProject(repo.dir);
    await synthesize(project, env);
    const all = readManifest(project);
    const head = only ? all.filter((s) => only.includes(s.name)) : all;
    const result = await changedSince({ project, head, ref, env, log: (line) => log.push(line) });
    return { result, log, leftInTmp: fs.readdirSync(tmp), worktrees: git(repo.dir, "worktree", "list", "--porcelain").split("\n").filter((l) => l.startsWith("worktree ")) };
  } finally {
    process.env.TMPDIR = before;
  }
}

const base: AppConfig = {
  stacks: {
    net: { config: server("router") },
    web: { config: server("web-1") },
    db: { config: server("db-1"), assets: { "assets/init/init.sql": "create table t (id int);\n" } },
    old: { config: server("old-1") },
  },
};

describe("changedSince", () => {
  test("GIVEN a commit that changes one stack's server, adds a stack and drops one WHEN compared with HEAD~1 THEN the others are unchanged, the new one added, the dropped one removed, in one log line", async () => {
    const repo = repoWith(base);
    const { net, db } = base.stacks!;
    commit(repo.top, repo.dir, { stacks: { net, web: { config: server("web-1", "m1.large") }, db, cache: { config: server("cache-1") } } }, "second");
    const sha = git(repo.dir, "rev-parse", "HEAD~1");

    const { result, log } = await compare(repo, "HEAD~1");

    expect(result).toEqual({ ref: "HEAD~1", base: sha, unchanged: ["net", "db"], added: ["cache"], removed: ["old"] });
    expect(log).toEqual([expect.stringMatching(new RegExp(`^plan-summary: --changed-since HEAD~1 \\(${sha.slice(0, 12)}\\): base synthesized in \\d+\\.\\d s; changed: web; unchanged: net, db; added: cache; removed: old$`))]);
  });

  test("GIVEN a commit that only reorders cdk.tf.json's keys and its indentation WHEN compared THEN every stack is unchanged (the state path, absolute, names each checkout's own folder)", async () => {
    const repo = repoWith(base);
    // the same servers, written with flavor_name first, the stacks in the other order, no indentation
    const flipped = (name: string) => ({ resource: { openstack_compute_instance_v2: { [name]: { flavor_name: "m1.small", name } } } });
    const { net, web, db, old } = base.stacks!;
    commit(repo.top, repo.dir, { stacks: { old: { config: flipped("old-1") }, db: { ...db, config: flipped("db-1") }, web: { config: flipped("web-1") }, net: { config: flipped("router") } }, indent: 0 }, "reformat");
    expect([net, web, old].map((s) => Object.keys(Object.values((s.config.resource as Record<string, Record<string, object>>).openstack_compute_instance_v2)[0]))).toEqual([["name", "flavor_name"], ["name", "flavor_name"], ["name", "flavor_name"]]);

    const { result } = await compare(repo, "HEAD~1");
    const written = fs.readFileSync(path.join(repo.dir, "cdktf.out", "stacks", "web", "cdk.tf.json"), "utf8");

    expect(written).toMatch(/^\{"terraform":\{"backend":\{"local":\{"path":"[^"]+\/infra\/terraform\.web\.tfstate"\}\}\},"resource":\{"openstack_compute_instance_v2":\{"web-1":\{"flavor_name":"m1\.small","name":"web-1"\}\}\}\}$/);
    expect(result.unchanged).toEqual(["old", "db", "web", "net"]);
    expect(result.added).toEqual([]);
  });

  test("GIVEN head stack folders with terraform's working files, a state, saved plans and the hook's files (stand-in), all unlike the base's WHEN compared THEN they are not configuration: unchanged; an asset's bytes changed THEN changed", async () => {
    const repo = repoWith(base);
    for (const name of ["net", "web"]) {
      const dir = path.join(repo.dir, "cdktf.out", "stacks", name);
      fs.mkdirSync(path.join(dir, ".terraform", "providers"), { recursive: true });
      fs.writeFileSync(path.join(dir, ".terraform", "terraform.tfstate"), "{}");
      fs.writeFileSync(path.join(dir, ".terraform.lock.hcl"), "# lock\n");
      fs.writeFileSync(path.join(dir, "terraform.tfstate.backup"), "{}");
      fs.writeFileSync(path.join(dir, "plan"), "saved plan");
      fs.writeFileSync(path.join(dir, "x.tfplan"), "saved plan");
      fs.writeFileSync(path.join(dir, "egi-token.auto.tfvars.json"), "{}");
    }
    const changedAsset = { ...base.stacks!.db, assets: { "assets/init/init.sql": "create table t (id bigint);\n" } };
    writeConfig(repo.dir, { stacks: { ...base.stacks, db: changedAsset } }); // not committed: the working tree is the head

    const { result } = await compare(repo, "HEAD");

    expect(result.unchanged).toEqual(["net", "web", "old"]);
    expect(result.added).toEqual([]);
    expect(result.removed).toEqual([]);
  });

  test("GIVEN a local module outside the stack folder (source ../../../modules/net) WHEN only a file of that module changes THEN that stack is changed", async () => {
    const withModule: AppConfig = { stacks: { net: { config: { module: { net: { source: "../../../modules/net" } } } }, web: { config: server("web-1") } } };
    const repo = repoWith(withModule);
    fs.mkdirSync(path.join(repo.dir, "modules", "net"), { recursive: true });
    fs.writeFileSync(path.join(repo.dir, "modules", "net", "main.tf"), 'variable "cidr" { default = "10.0.0.0/24" }\n');
    git(repo.top, "add", "-A");
    git(repo.top, "commit", "-q", "-m", "module");
    fs.writeFileSync(path.join(repo.dir, "modules", "net", "main.tf"), 'variable "cidr" { default = "10.0.1.0/24" }\n');

    const { result } = await compare(repo, "HEAD");

    expect(result.unchanged).toEqual(["web"]);
  });

  test("GIVEN only some stacks selected WHEN a base stack is gone from the app THEN removed names it, and a selected stack still in the app is not removed", async () => {
    const repo = repoWith(base);
    const { net, web, db } = base.stacks!;
    commit(repo.top, repo.dir, { stacks: { net, web, db } }, "drop old");

    const { result } = await compare(repo, "HEAD~1", ["web"]);

    expect(result).toMatchObject({ unchanged: ["web"], added: [], removed: ["old"] });
  });

  test("GIVEN a stack synth reports an error for, the same at the base WHEN compared THEN it is not skipped (its plan is what shows the error)", async () => {
    const error = [{ level: "@cdktf/error", constructPath: "web/vm", message: "no flavor fits" }];
    const repo = repoWith({ stacks: { ...base.stacks, web: { ...base.stacks!.web, annotations: error } } });

    const { result } = await compare(repo, "HEAD");

    expect(result.unchanged).toEqual(["net", "db", "old"]);
  });

  test("GIVEN the app broken at the base WHEN compared THEN no error: every stack is planned, and the note and the log line say why", async () => {
    const repo = repoWith({ fail: "syntax error in stacks" });
    commit(repo.top, repo.dir, base, "fixed");

    const { result, log, worktrees, leftInTmp } = await compare(repo, "HEAD~1");

    expect(result.unchanged).toEqual([]);
    expect(result.note).toMatch(/^the app does not synthesize at HEAD~1 \([0-9a-f]{12}\): synth failed: the app command "node app\.js" exited with 1: the app is broken: syntax error in stacks; planning every stack$/);
    expect(log).toEqual([`plan-summary: --changed-since HEAD~1: ${result.note}`]);
    expect(worktrees).toHaveLength(1);
    expect(leftInTmp).toEqual([]);
  });

  test("GIVEN a base commit without the app folder's cdktf.json WHEN compared THEN every stack is planned, the note naming the missing file", async () => {
    const repo = repoWith(base);
    git(repo.top, "rm", "-q", "infra/cdktf.json");
    git(repo.top, "commit", "-q", "-m", "no app yet");
    fs.writeFileSync(path.join(repo.dir, "cdktf.json"), JSON.stringify({ language: "typescript", app: "node app.js" }));

    const { result } = await compare(repo, "HEAD");

    expect(result.note).toMatch(/^the app does not synthesize at HEAD \([0-9a-f]{12}\): it has no infra\/cdktf\.json there; planning every stack$/);
  });

  test("GIVEN a comparison that succeeded WHEN it returns THEN only the main worktree is left, no temp folder, the head's node_modules intact and the base's hook credential file (stand-in) gone", async () => {
    const repo = repoWith(base);

    const { result, worktrees, leftInTmp } = await compare(repo, "HEAD");

    expect(result.unchanged).toHaveLength(4);
    expect(worktrees).toEqual([`worktree ${fs.realpathSync(repo.top)}`]);
    expect(leftInTmp).toEqual([]);
    expect(fs.readFileSync(path.join(repo.top, "node_modules", "shape", "index.js"), "utf8")).toBe(SHAPE);
    const headKeys = ["net", "web", "db", "old"].map((n) => `${createHash("sha256").update(path.join(repo.dir, "cdktf.out", "stacks", n)).digest("hex")}.json`);
    expect(fs.readdirSync(path.join(repo.cache, "clouds")).sort()).toEqual(headKeys.sort());
  });
});

describe("changedSince's cleanup", () => {
  test("GIVEN an unknown ref WHEN compared THEN a usage error, and no worktree or temp folder was made", async () => {
    const repo = repoWith(base);
    const tmp = tempDir("egi-changed-tmp-");
    const project = readProject(repo.dir);

    const run = changedSince({ project, head: [], ref: "no-such-ref", env: { PATH: process.env.PATH, TMPDIR: tmp }, log: () => undefined });

    await expect(run).rejects.toThrow(UsageError);
    expect(git(repo.dir, "worktree", "list", "--porcelain").split("\n").filter((l) => l.startsWith("worktree "))).toHaveLength(1);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  test("GIVEN the base's synth under way WHEN plan-summary's process gets SIGTERM THEN it dies of it, the worktree and its temp folder removed", async () => {
    const repo = repoWith({ hang: true });
    commit(repo.top, repo.dir, base, "second");
    const tmp = tempDir("egi-changed-tmp-");
    const ready = path.join(tempDir("egi-changed-ready-"), "pid");
    const script = `const { changedSince } = require(${JSON.stringify(path.join(REPO, "cli", "plan-summary", "changed-stacks.ts"))});
const { readManifest, readProject, synthesize } = require(${JSON.stringify(path.join(REPO, "cli", "plan-summary", "synth.ts"))});
(async () => {
  const project = readProject(process.cwd());
  await synthesize(project, process.env);
  await changedSince({ project, head: readManifest(project), ref: "HEAD~1", env: process.env, log: () => undefined });
})();`;
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
      cwd: repo.dir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: tmp, FAKE_TOKEN_CACHE: repo.cache, HANG_READY: ready, TS_NODE_PROJECT: path.join(REPO, "tsconfig.jest.json"), NODE_PATH: path.join(REPO, "node_modules") },
      stdio: "ignore",
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    let appPid: number | undefined;
    try {
      for (let i = 0; i < 300 && !fs.existsSync(ready); i++) await new Promise((r) => setTimeout(r, 100));
      appPid = Number(fs.readFileSync(ready, "utf8"));
      // (ts-node keeps a compile cache there too)
      const ours = () => fs.readdirSync(tmp).filter((name) => name.startsWith("egi-cdktf-base-"));
      expect(ours()).toHaveLength(1);

      child.kill("SIGTERM");

      expect(await exited).toBe("SIGTERM");
      expect(git(repo.dir, "worktree", "list", "--porcelain").split("\n").filter((l) => l.startsWith("worktree "))).toHaveLength(1);
      expect(ours()).toEqual([]);
      expect(fs.readFileSync(path.join(repo.top, "node_modules", "shape", "index.js"), "utf8")).toBe(SHAPE);
    } finally {
      child.kill("SIGKILL");
      if (appPid) process.kill(appPid, "SIGKILL"); // the app the base's synth ran: a stand-in that never ends
    }
  }, 60_000);
});

describe("resolveRef", () => {
  test("GIVEN a ref the repository does not have WHEN resolved THEN a usage error naming --changed-since and how to fetch it", () => {
    const repo = repoWith(base);

    const err = (() => {
      try {
        resolveRef(repo.dir, "origin/no-such-branch", { PATH: process.env.PATH });
      } catch (e) {
        return e as Error;
      }
      throw new Error("resolved");
    })();

    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toBe(
      '--changed-since "origin/no-such-branch": no such commit in this clone; fetch it first (e.g. git fetch origin main, then --changed-since origin/main): CI checkouts often are, so fetch the history (actions/checkout fetch-depth: 0, GitLab GIT_DEPTH: 0)',
    );
  });

  test("GIVEN a shallow clone (depth 1) WHEN HEAD~1 is asked for THEN the usage error says the clone is shallow and how CI fetches the history", () => {
    const repo = repoWith(base);
    commit(repo.top, repo.dir, { stacks: {} }, "second");
    const clone = path.join(tempDir("egi-changed-clone-"), "c");
    git(repo.top, "clone", "-q", "--depth", "1", `file://${repo.top}`, clone);

    expect(() => resolveRef(clone, "HEAD~1", { PATH: process.env.PATH })).toThrow(/^--changed-since "HEAD~1": no such commit in this clone; .*; this clone is shallow: CI checkouts often are, so fetch the history \(actions\/checkout fetch-depth: 0, GitLab GIT_DEPTH: 0\)$/);
    expect(resolveRef(clone, "HEAD", { PATH: process.env.PATH })).toBe(git(repo.top, "rev-parse", "HEAD"));
  });

  test("GIVEN a folder outside any git repository WHEN resolved THEN a usage error naming --changed-since", () => {
    const dir = tempDir("egi-changed-nogit-");
    expect(() => resolveRef(dir, "HEAD", { PATH: process.env.PATH, GIT_CEILING_DIRECTORIES: path.dirname(dir) })).toThrow(/^--changed-since needs a git repository: .* is not in one/);
  });
});
