/** How a failed egi-cdktf run must look: nothing on stdout, one `egi-cdktf: ...` line on stderr, no stack trace. */
export interface CliOutput {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** One error line mentioning each of `mentions`, containing none of `secrets`. */
export function expectOneLineError(r: CliOutput, mentions: ReadonlyArray<string | RegExp>, secrets: readonly string[] = []): void {
  expect(r.stdout).toBe("");
  const lines = r.stderr.split("\n").filter(Boolean);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^egi-cdktf: /);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  for (const m of mentions) expect(lines[0]).toMatch(m);
  for (const s of secrets) expect(r.stderr).not.toContain(s);
}

/** Terminal colours and carriage returns out of a captured output (cdktf and terraform colour theirs). */
export function stripAnsi(s: string): string {
  return s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").replace(/\r/g, "");
}
