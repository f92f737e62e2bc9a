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
  /** Environment the recipe sets for the job (workflow-level, job-level and, on GitHub, its steps'), as written. */
  readonly env: Readonly<Record<string, string>>;
  /** When the job runs, as written: GitHub's job `if:`, GitLab's `rules:` `if:`s joined by " OR ". */
  readonly when: string;
  /** GitHub: the `if:` of each of `commands` ("" for none); GitLab: "" for script lines, "after_script" for those. */
  readonly conditions: readonly string[];
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
  return Object.entries(doc.jobs as Record<string, { if?: string; steps: GithubStep[]; "timeout-minutes"?: number; env?: Record<string, string> }>).map(([name, job]) => {
    const runs = job.steps.filter((s) => s.run);
    return {
      name,
      commands: runs.map((s) => s.run!.trim()),
      always: runs.filter((s) => /^always\(\)/.test(s.if ?? "")).map((s) => s.run!.trim()),
      env: Object.assign({ ...(doc.env ?? {}) }, job.env ?? {}, ...runs.map((s) => s.env ?? {})),
      when: job.if ?? "",
      conditions: runs.map((s) => s.if ?? ""),
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

type GitlabJob = Record<string, unknown>;

/** A job with the hidden jobs it `extends:` merged under it (keys of its own win; variables merge), as GitLab does. */
function extended(doc: Record<string, GitlabJob>, job: GitlabJob): GitlabJob {
  const bases = asLines(job.extends).map((name) => extended(doc, doc[name] ?? {}));
  const merged: GitlabJob = Object.assign({}, ...bases, job);
  merged.variables = Object.assign({}, ...bases.map((b) => b.variables ?? {}), job.variables ?? {});
  return merged;
}

export function gitlabJobs(file = RECIPES.gitlab): RecipeJob[] {
  const doc = parse(fs.readFileSync(file, "utf8")) as Record<string, GitlabJob> & { default?: GitlabJob; variables?: Record<string, string> };
  const reserved = new Set(["workflow", "default", "variables", "stages", "include"]);
  return Object.entries(doc)
    .filter(([name]) => !reserved.has(name) && !name.startsWith("."))
    .map(([name, own]) => {
      const job = extended(doc, own);
      const after = asLines(job.after_script ?? doc.default?.after_script).map((c) => c.trim());
      const script = [...asLines(job.before_script ?? doc.default?.before_script), ...asLines(job.script)].map((c) => c.trim());
      return {
        name,
        commands: script.concat(after),
        always: after,
        env: { ...(doc.variables ?? {}), ...((job.variables as Record<string, string>) ?? {}) },
        when: ((job.rules as Array<{ if?: string }> | undefined) ?? []).map((r) => r.if ?? "").join(" OR "),
        conditions: [...script.map(() => ""), ...after.map(() => "after_script")],
        timeoutMinutes: minutes(job.timeout ?? doc.default?.timeout),
      };
    });
}

/** What a recipe line of ours runs: the tool, its arguments, and the shell that follows them. */
export interface OurCommand {
  readonly tool: "egi-cdktf" | "cdktf";
  readonly args: string[];
  /** `npx --no`: never a package of that name from the registry. */
  readonly noInstall: boolean;
  /** The shell after the command's own arguments (`|| test $? -eq 2 -a -s drift.md`), or "". */
  readonly then: string;
}

/** Where a command's arguments end: a shell operator. */
const OPERATOR = /^(\|\||&&|\||;|>|>>|2>|2>&1)$/;

/**
 * `npx egi-cdktf plan-summary --out x` -> { tool: "egi-cdktf", args: ["plan-summary", "--out", "x"] }
 * (`npx --no ...`, which never fetches a package from the registry, alike; the arguments end at the
 * first shell operator, the rest is `then`); other commands: undefined.
 */
export function ourCommand(line: string): OurCommand | undefined {
  const m = /^npx (--no )?(egi-cdktf|cdktf) (.*)$/.exec(line);
  if (!m) return undefined;
  const words = [...m[3].matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)];
  const end = words.findIndex((w) => w[3] !== undefined && OPERATOR.test(w[3]));
  const own = end < 0 ? words : words.slice(0, end);
  return {
    tool: m[2] as "egi-cdktf" | "cdktf",
    args: own.map((a) => a[1] ?? a[2] ?? a[3]),
    noInstall: Boolean(m[1]),
    then: end < 0 ? "" : m[3].slice(words[end].index).trim(),
  };
}
