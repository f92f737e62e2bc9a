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
  /** Environment the recipe sets for the job (workflow-level and job-level), as written. */
  readonly env: Readonly<Record<string, string>>;
}

const asLines = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === "string" ? [v] : []);

export function githubJobs(file = RECIPES.github): RecipeJob[] {
  const doc = parse(fs.readFileSync(file, "utf8"));
  return Object.entries(doc.jobs as Record<string, { steps: Array<{ run?: string; env?: Record<string, string> }> }>).map(([name, job]) => ({
    name,
    commands: job.steps.flatMap((s) => (s.run ? [s.run.trim()] : [])),
    env: { ...(doc.env ?? {}) },
  }));
}

export function gitlabJobs(file = RECIPES.gitlab): RecipeJob[] {
  const doc = parse(fs.readFileSync(file, "utf8"));
  const reserved = new Set(["workflow", "default", "variables", "stages", "include"]);
  return Object.entries(doc as Record<string, Record<string, unknown>>)
    .filter(([name]) => !reserved.has(name) && !name.startsWith("."))
    .map(([name, job]) => ({
      name,
      commands: [...asLines(job.before_script ?? doc.default?.before_script), ...asLines(job.script), ...asLines(job.after_script)].map((c) => c.trim()),
      env: { ...(doc.variables ?? {}), ...((job.variables as Record<string, string>) ?? {}) },
    }));
}

/** `npx egi-cdktf plan-summary --out x` -> { tool: "egi-cdktf", args: ["plan-summary", "--out", "x"] }; other commands: undefined. */
export function ourCommand(line: string): { readonly tool: "egi-cdktf" | "cdktf"; readonly args: string[] } | undefined {
  const m = /^npx (egi-cdktf|cdktf) (.*)$/.exec(line);
  if (!m) return undefined;
  const args = [...m[2].matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((a) => a[1] ?? a[2] ?? a[3]);
  return { tool: m[1] as "egi-cdktf" | "cdktf", args };
}
