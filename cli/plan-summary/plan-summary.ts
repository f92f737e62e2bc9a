/**
 * plan-summary end to end: synth, plan every selected stack into a private temp folder (removed
 * before returning, pass or fail), summarize the changes, and check what the plans add against
 * each site's quota, per project, all stacks together (they draw on the same quota).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CHECKIN_SECRET_VARS } from "../client-env";
import { showArg, UsageError } from "../command";
import { type ChangedSince, changedSince, resolveRef } from "./changed-stacks";
import { credentialSecrets, type Env, providerCredential, type SiteCredential, siteKey, stackFolderSecrets } from "./credentials";
import { serverDiagram } from "./diagram";
import { driftOf } from "./drift";
import { checkAgainstReviewed, type ReviewedCheck } from "./fingerprint";
import { appIdFor } from "./marker";
import { planHoldsSecret } from "./plan-file-scan";
import { summarizePlan } from "./plan-json";
import { overQuotaLine, quotaRows, type StackNeed } from "./quota";
import { QUOTA_RESOURCES, quotaNeeds } from "./quota-needs";
import type { PlanSummaryReport, SiteReport, StackReport, Warning } from "./report";
import { reviewHints } from "./review-hints";
import { diagnosticLine, planStack, removingOnSignal, runTerraform, type StackPlan, type Terraform } from "./run-terraform";
import { readSiteQuota } from "./site-quota";
import { readManifest, readProject, synthesize, type SynthesizedStack } from "./synth";

export interface PlanSummaryOptions {
  /** The cdktf project folder (holds cdktf.json). */
  readonly dir: string;
  /** Stack names to plan; all when empty. */
  readonly stacks: readonly string[];
  /** Use the stacks already in the output folder. */
  readonly skipSynth?: boolean;
  /** drift: refresh-only plans, reporting what changed outside terraform (no quota check). @default "plan" */
  readonly mode?: "plan" | "drift";
  /** Plan only the stacks whose synthesized folder differs from the app's at this git ref. */
  readonly changedSince?: string;
  /** A reviewed summary (its Markdown and file name): fail when the new plans do more than it showed. */
  readonly reviewed?: { readonly markdown: string; readonly file: string };
  /** The app's id in the summary's marker. @default its folder relative to the git top-level */
  readonly app?: string;
  readonly env: Env;
  /** Filled with every token and credential secret seen: to redact from anything printed. */
  readonly secrets?: Set<string>;
  /** Progress, one line at a time (stderr). */
  readonly log: (line: string) => void;
}

export interface PlanSummaryResult {
  readonly report: PlanSummaryReport;
  /** Every token and credential secret seen (o.secrets, filled). */
  readonly secrets: ReadonlySet<string>;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function terraformFor(env: Env): Terraform {
  const tfEnv: Record<string, string | undefined> = { ...env, TF_IN_AUTOMATION: "1", TF_INPUT: "0" };
  for (const name of CHECKIN_SECRET_VARS) delete tfEnv[name]; // terraform gets the Keystone credential only
  return { binary: env.TERRAFORM_BINARY_NAME || "terraform", env: tfEnv };
}

function select(all: readonly SynthesizedStack[], names: readonly string[]): SynthesizedStack[] {
  if (names.length === 0) return [...all];
  return names.map((name) => {
    const found = all.find((s) => s.name === name);
    if (!found) throw new UsageError(`unknown stack ${showArg(name)}; stacks: ${all.map((s) => s.name).join(", ") || "none"}`);
    return found;
  });
}

function synthWarnings(stack: SynthesizedStack): Warning[] {
  return stack.annotations.filter((a) => a.level === "warning").map((a) => ({ source: "synth", where: a.constructPath, message: a.message }));
}

const SECRET_IN_PLAN =
  "its saved plan holds a credential (a Keystone token or secret plan-summary knows of), so every plan cdktf saves for it would too: pass it through the hook's clouds.yaml (EgiSite), not a variable";

/** Plan one stack; its saved plan is checked for `secrets` and deleted as soon as it has been read. */
async function planOne(tf: Terraform, stack: SynthesizedStack, planDir: string, secrets: ReadonlySet<string>, drift: boolean): Promise<{ report: StackReport; plan?: StackPlan }> {
  const started = Date.now();
  const warnings = synthWarnings(stack);
  const errors = stack.annotations.filter((a) => a.level === "error");
  if (errors.length) {
    const message = `synth reported errors: ${errors.map((a) => `${a.constructPath}: ${a.message}`).join("; ")}`;
    return { report: { name: stack.name, status: "failed", failure: { phase: "synth", message }, warnings, durationMs: 0 } };
  }
  const planFile = path.join(planDir, `${stack.name.replace(/[^\w.-]/g, "_")}.tfplan`);
  let plan: StackPlan;
  let leaked = false;
  try {
    plan = await planStack(tf, stack.dir, planFile, { refreshOnly: drift });
    leaked = fs.existsSync(planFile) && planHoldsSecret(planFile, secrets);
  } finally {
    fs.rmSync(planFile, { force: true });
  }
  for (const w of plan.warnings) warnings.push({ source: "terraform", ...(w.address ? { where: w.address } : {}), message: diagnosticLine({ ...w, address: undefined }) });
  const durationMs = Date.now() - started;
  if (!plan.ok) return { report: { name: stack.name, status: "failed", failure: { phase: plan.phase, message: plan.message }, warnings, durationMs }, plan };
  const changes = summarizePlan(plan.plan);
  if (leaked) return { report: { name: stack.name, status: "failed", failure: { phase: "plan", message: SECRET_IN_PLAN }, changes, warnings, durationMs }, plan };
  if (drift) return { report: { name: stack.name, status: "planned", changes, drift: driftOf(plan.plan), warnings, durationMs }, plan };
  const diagram = serverDiagram(plan.plan, changes);
  const hints = reviewHints(plan.plan, stack.dir);
  return { report: { name: stack.name, status: "planned", changes, hints, ...(diagram ? { diagram } : {}), warnings, durationMs }, plan };
}

interface Bucket {
  readonly credential?: SiteCredential;
  readonly missing?: string;
  readonly needs: StackNeed[];
  readonly stacks: Set<string>;
}

/** The needs of every planned stack, grouped by site and project (credentials from each stack's folder). */
function bucketsOf(planned: ReadonlyArray<{ stack: SynthesizedStack; plan: StackPlan }>, env: Env): Map<string, Bucket> {
  const buckets = new Map<string, Bucket>();
  for (const { stack, plan } of planned) {
    if (!plan.ok) continue;
    for (const need of quotaNeeds(plan.plan)) {
      const cred = providerCredential(plan.plan, need.providerKey, stack.dir, env);
      const key = "missing" in cred ? `missing\n${stack.name}\n${need.providerKey}` : siteKey(cred);
      const bucket = buckets.get(key) ?? ("missing" in cred ? { missing: cred.missing, needs: [], stacks: new Set<string>() } : { credential: cred, needs: [], stacks: new Set<string>() });
      bucket.needs.push({ ...need, stack: stack.name });
      bucket.stacks.add(stack.name);
      buckets.set(key, bucket);
    }
  }
  return buckets;
}

const notChecked = (reason: string) => ({ limits: {}, unavailable: Object.fromEntries(QUOTA_RESOURCES.map((r) => [r, reason])) });

async function checkSite(bucket: Bucket, env: Env): Promise<SiteReport> {
  const stacks = [...bucket.stacks];
  const c = bucket.credential;
  if (!c) {
    const label = `the site of stack ${stacks[0]}`;
    return { site: {}, label, stacks, checked: false, notes: [bucket.missing!], rows: quotaRows(bucket.needs, notChecked("no credential")) };
  }
  const site = { authUrl: `${c.authUrl}/v3`, projectId: c.projectId, region: c.region };
  const where = `${site.authUrl}${c.region ? `, region ${c.region}` : ""}`;
  try {
    const answer = await readSiteQuota(c, env);
    const label = `project ${answer.project.name || answer.project.id} (${answer.project.id}) at ${site.authUrl}${answer.region ? `, region ${answer.region}` : ""}`;
    const notes = answer.quota.flavors ? [] : ["the flavor list could not be read: vCPUs and RAM of new servers are unknown"];
    return { site: { ...site, projectId: answer.project.id, projectName: answer.project.name, region: answer.region }, label, stacks, checked: true, notes, rows: quotaRows(bucket.needs, answer.quota) };
  } catch (err) {
    const label = `project ${c.projectId ?? "(from the token)"} at ${where}`;
    const reason = (err as Error).message;
    return { site, label, stacks, checked: false, notes: [`quota not checked: ${reason}`], rows: quotaRows(bucket.needs, notChecked(reason)) };
  }
}

export async function runPlanSummary(o: PlanSummaryOptions): Promise<PlanSummaryResult> {
  const started = Date.now();
  const secrets = o.secrets ?? new Set<string>();
  for (const name of ["OS_TOKEN", "OS_AUTH_TOKEN", "OS_PASSWORD", ...CHECKIN_SECRET_VARS]) if (o.env[name]) secrets.add(o.env[name]!);
  const project = readProject(o.dir);
  if (o.changedSince) resolveRef(o.dir, o.changedSince, o.env); // a bad ref: exit 2 now, not after synth
  const tf = terraformFor(o.env);
  const version = await runTerraform(tf, ["version", "-json"], o.dir);
  const terraformVersion = (() => {
    try {
      return String(JSON.parse(version.stdout).terraform_version ?? "") || undefined;
    } catch {
      return undefined;
    }
  })();

  const drift = o.mode === "drift";
  if (!o.skipSynth) await synthesize(project, o.env);
  const selected = select(readManifest(project), o.stacks);
  if (selected.length === 0) throw new Error(`${project.outdir}/manifest.json lists no stacks: nothing to plan`);
  const since: ChangedSince | undefined = o.changedSince ? await changedSince({ project, head: selected, ref: o.changedSince, env: o.env, log: o.log }) : undefined;
  const stacks = since ? selected.filter((s) => !since.unchanged.includes(s.name)) : selected;
  for (const stack of stacks) for (const s of stackFolderSecrets(stack.dir)) secrets.add(s);

  const planDir = fs.mkdtempSync(path.join(os.tmpdir(), "egi-cdktf-plan-"));
  const removeOnSignal = removingOnSignal(planDir);
  const reports: StackReport[] = [];
  const planned: Array<{ stack: SynthesizedStack; plan: StackPlan }> = [];
  try {
    for (const stack of stacks) {
      const { report, plan } = await planOne(tf, stack, planDir, secrets, drift);
      reports.push(report);
      if (plan) planned.push({ stack, plan });
      const c = report.changes?.counts;
      const counts = !c ? `${report.failure!.phase} failed` : drift ? `${report.drift!.length} resources drifted` : `${c.add} to add, ${c.change} to change, ${c.replace} to replace, ${c.destroy} to destroy`;
      o.log(`plan-summary: ${stack.name}: ${counts}${c && report.failure ? ", but its saved plan holds a credential" : ""} (${seconds(report.durationMs)})`);
    }
  } finally {
    removeOnSignal();
    fs.rmSync(planDir, { recursive: true, force: true });
  }

  // A drift run adds nothing: no quota to check.
  const buckets = drift ? new Map<string, Bucket>() : bucketsOf(planned, o.env);
  for (const b of buckets.values()) if (b.credential) for (const s of credentialSecrets(b.credential)) secrets.add(s);
  const quota = await Promise.all([...buckets.values()].map((b) => checkSite(b, o.env)));

  const unchanged: StackReport[] = selected
    .filter((s) => since?.unchanged.includes(s.name))
    .map((s) => ({ name: s.name, status: "unchanged", warnings: synthWarnings(s), durationMs: 0 }));
  const allStacks = selected.map((s) => reports.find((r) => r.name === s.name) ?? unchanged.find((r) => r.name === s.name)!);
  const reviewed: ReviewedCheck | undefined = o.reviewed ? checkAgainstReviewed(o.reviewed.markdown, o.reviewed.file, allStacks) : undefined;
  const failures = [
    ...reports.filter((r) => r.failure).map((r) => `stack ${r.name}: ${r.failure!.message}`),
    ...quota.flatMap((s) => s.rows.filter((row) => row.status === "over").map((row) => overQuotaLine(s.label, row))),
    ...(reviewed?.differences ?? []).map((d) => d.message),
  ];
  const report: PlanSummaryReport = {
    mode: drift ? "drift" : "plan",
    app: o.app ?? appIdFor(o.dir),
    ok: failures.length === 0,
    failures,
    stacks: allStacks,
    quota,
    terraform: { binary: tf.binary, ...(terraformVersion ? { version: terraformVersion } : {}) },
    ...(since ? { changedSince: since } : {}),
    ...(reviewed ? { reviewed } : {}),
    ...(drift ? { driftFound: reports.some((r) => (r.drift?.length ?? 0) > 0) } : {}),
    durationMs: Date.now() - started,
  };
  return { report, secrets };
}
