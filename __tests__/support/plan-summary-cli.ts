/**
 * The built `egi-cdktf plan-summary` as the plan-summary site tests run it: in a cdktf project of a
 * fixture app (plan-summary*-app.js), as the site's user with a Check-in credential, terraform set
 * up offline, every run's output kept for the secret scan.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import type { CliOutput } from "./cli-output";
import { type IdentitySite, mintRefreshToken, REPO, userEnv } from "./identity-site";
import { terraformEnv } from "./terraform";

const BIN = path.join(REPO, "bin", "egi-cdktf");

export interface PlanSummaryRun extends CliOutput {
  /** Wall time of the whole run (synth, init, validate, plan, quota), for the timings the tests log. */
  readonly ms: number;
}

/** Where the runs happen and what they leave to the test. */
export interface PlanSummaryCliOptions {
  /** The cdktf project (cdktfProject of the fixture app). */
  readonly dir: string;
  /** plan-summary's TMPDIR: where its saved plans go, so the test can see they are gone. */
  readonly tmp: string;
  /** Each run's stdout and stderr go here, as `LABEL stdout` and `LABEL stderr`, for scanForSecrets. */
  readonly outputs: Record<string, string>;
}

/** `egi-cdktf plan-summary ARGS` with `env` (plus the offline terraform setup), recorded under `label`. */
export type PlanSummaryCli = (label: string, args: string[], env: Record<string, string>, timeoutMs?: number) => PlanSummaryRun;

export function planSummaryCli(o: PlanSummaryCliOptions): PlanSummaryCli {
  return (label, args, env, timeoutMs = 300_000) => {
    const tf = terraformEnv();
    const started = Date.now();
    const r = spawnSync(process.execPath, [BIN, "plan-summary", ...args], {
      cwd: o.dir,
      env: { ...env, TF_CLI_CONFIG_FILE: tf.TF_CLI_CONFIG_FILE!, PATH: tf.PATH!, CHECKPOINT_DISABLE: "1", TMPDIR: o.tmp },
      encoding: "utf8",
      timeout: timeoutMs,
    });
    const ms = Date.now() - started;
    o.outputs[`${label} stdout`] = r.stdout;
    o.outputs[`${label} stderr`] = r.stderr;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms };
  };
}

/**
 * The site's user (a fresh Check-in refresh token) planning in project `projectId`; the fixture
 * apps read the site from CLOUD_SITE_JSON and name what they plan `PLAN_SUMMARY_PREFIX-...`.
 */
export async function planSummaryEnv(identity: IdentitySite, projectId: string, prefix: string): Promise<Record<string, string>> {
  return userEnv(identity, identity.clients.basic, {
    CHECKIN_REFRESH_TOKEN: await mintRefreshToken(identity, identity.clients.basic),
    OS_PROJECT_ID: projectId,
    CLOUD_SITE_JSON: path.join(process.env.SITE_DIR ?? path.join(REPO, ".site"), "cloud", "site.json"),
    PLAN_SUMMARY_PREFIX: prefix,
  });
}
