/** The CI recipes in examples/ci, read as a CI service reads them: for the tests that check and run them. */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

export const REPO = path.resolve(__dirname, "..", "..");
export const RECIPES = { github: path.join(REPO, "examples", "ci", "github-actions.yml"), gitlab: path.join(REPO, "examples", "ci", "gitlab-ci.yml") };

export interface RecipeJob {
  readonly name: string;
  /** The shell commands the job runs, in order (`run:` steps, or before_script + script + after_script). */
  readonly commands: readonly string[];
  /**
   * Those of `commands` that run even when an earlier one failed or the job was cancelled: GitHub
   * steps whose `if:` starts with `always()`, GitLab's after_script.
   */
  readonly always: readonly string[];
  /** Environment the recipe sets for the job (workflow-level and job-level), as written. */
  readonly env: Readonly<Record<string, string>>;
  /** The job's timeout in minutes (GitHub `timeout-minutes`, GitLab `timeout: 2h`), when set. */
  readonly timeoutMinutes?: number;
}

const asLines = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === "string" ? [v] : []);

interface GithubStep {
  readonly id?: string;
  readonly if?: string;
  readonly run?: string;
  readonly env?: Record<string, string>;
}

export function githubJobs(file = RECIPES.github): RecipeJob[] {
  const doc = parse(fs.readFileSync(file, "utf8"));
  return Object.entries(doc.jobs as Record<string, { steps: GithubStep[]; "timeout-minutes"?: number }>).map(([name, job]) => {
    const runs = job.steps.filter((s) => s.run);
    return {
      name,
      commands: runs.map((s) => s.run!.trim()),
      always: runs.filter((s) => /^always\(\)/.test(s.if ?? "")).map((s) => s.run!.trim()),
      env: { ...(doc.env ?? {}) },
      timeoutMinutes: job["timeout-minutes"],
    };
  });
}

/** GitLab's `timeout:` (`2h`, `90m`, `1h 30m`) in minutes. */
function minutes(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const parts = [...value.matchAll(/(\d+)\s*(h|m)/g)];
  return parts.length ? parts.reduce((sum, [, n, unit]) => sum + Number(n) * (unit === "h" ? 60 : 1), 0) : undefined;
}

export function gitlabJobs(file = RECIPES.gitlab): RecipeJob[] {
  const doc = parse(fs.readFileSync(file, "utf8"));
  const reserved = new Set(["workflow", "default", "variables", "stages", "include"]);
  return Object.entries(doc as Record<string, Record<string, unknown>>)
    .filter(([name]) => !reserved.has(name) && !name.startsWith("."))
    .map(([name, job]) => {
      const after = asLines(job.after_script ?? doc.default?.after_script).map((c) => c.trim());
      return {
        name,
        commands: [...asLines(job.before_script ?? doc.default?.before_script), ...asLines(job.script)].map((c) => c.trim()).concat(after),
        always: after,
        env: { ...(doc.variables ?? {}), ...((job.variables as Record<string, string>) ?? {}) },
        timeoutMinutes: minutes(job.timeout ?? doc.default?.timeout),
      };
    });
}

/**
 * `npx egi-cdktf plan-summary --out x` -> { tool: "egi-cdktf", args: ["plan-summary", "--out", "x"] }
 * (`npx --no ...`, which never fetches a package from the registry, alike); other commands: undefined.
 */
export function ourCommand(line: string): { readonly tool: "egi-cdktf" | "cdktf"; readonly args: string[]; readonly noInstall: boolean } | undefined {
  const m = /^npx (--no )?(egi-cdktf|cdktf) (.*)$/.exec(line);
  if (!m) return undefined;
  const args = [...m[3].matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((a) => a[1] ?? a[2] ?? a[3]);
  return { tool: m[2] as "egi-cdktf" | "cdktf", args, noInstall: Boolean(m[1]) };
}
