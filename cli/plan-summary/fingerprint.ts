/**
 * Apply what was reviewed: the summary carries a fingerprint of each stack's planned changes
 * (resource actions by address, not values: a plan whose values always differ, e.g. a tag holding
 * the commit id, can still pass), and `plan-summary --reviewed FILE` on main plans again and
 * refuses, naming the stacks and resources, when the new plan does more than the reviewed one.
 *
 * The block is an HTML comment (GitHub and GitLab render nothing for it) of plain lines:
 *
 *     <!-- egi-cdktf:reviewed v1 (the plans as reviewed, for plan-summary's reviewed check; do not edit)
 *     stack web planned
 *     add 3 9f2c4b1a0e7d5c3b2a1f0e9d 8zLNzM7...        count, hash of the sorted addresses, the list
 *     destroy 1 0123456789abcdef01234567 K8nPzc...
 *     stack db unchanged
 *     sum 5e0c...                                       hash of the lines above: an edit is refused
 *     -->
 *
 * The list is the sorted addresses, one a line, deflated (raw) and in standard base64: base64url's
 * `-` could make `--`, which an HTML comment must not hold. Lists go, largest first, until the
 * block fits FINGERPRINT_MAX_CHARS (the comment's other parts are budgeted around it); a stack and
 * action without its list is compared by hash, so its differences name the counts, not resources.
 * When even one line per stack and action does not fit (hundreds of stacks), one `app` line keeps
 * a single hash of every stack's changes. Lines are read trimmed, so CRLF line endings and trimmed
 * or added whitespace (what comment round trips do) change nothing.
 */
import { createHash } from "node:crypto";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { UsageError } from "../command";
import { CHANGE_ACTIONS, type ChangeAction } from "./plan-json";
import type { StackReport } from "./report";

export interface ReviewedDifference {
  /** The stack; `*` when the review kept one hash for the whole app. */
  readonly stack: string;
  readonly action?: ChangeAction;
  /** The resource, when known (the reviewed list may be summarised as counts and hashes). */
  readonly address?: string;
  /** One line, e.g. "stack web: openstack_compute_instance_v2.vm would be added, not in the reviewed plan". */
  readonly message: string;
}

export interface ReviewedCheck {
  /** The reviewed summary's file. */
  readonly file: string;
  /** The new plans do nothing beyond the reviewed ones. */
  readonly ok: boolean;
  readonly differences: readonly ReviewedDifference[];
}

/** The longest block, in characters: the comment budget keeps this much room for it. */
export const FINGERPRINT_MAX_CHARS = 16_000;

/** Per stack and action, at most this many resources are named; the rest are one line with their count. */
export const MAX_NAMED_PER_ACTION = 20;

export interface FingerprintOptions {
  /** @default FINGERPRINT_MAX_CHARS */
  readonly maxChars?: number;
}

/** What a review recorded for one action of one stack. */
export interface ReviewedAction {
  readonly count: number;
  readonly hash: string;
  /** The sorted addresses, when they fitted in the block. */
  readonly addresses?: readonly string[];
}

export interface ReviewedStack {
  readonly name: string;
  readonly status: StackReport["status"];
  /** The actions planned (a missing action: none). */
  readonly actions: Readonly<Partial<Record<ChangeAction, ReviewedAction>>>;
}

/** A parsed block: per stack, or (too many stacks for the block) one hash for the whole app. */
export type Fingerprint =
  | { readonly kind: "stacks"; readonly stacks: readonly ReviewedStack[] }
  | { readonly kind: "app"; readonly stacks: number; readonly counts: Readonly<Record<ChangeAction, number>>; readonly hash: string };

const VERSION = "v1";
const HEADER = `<!-- egi-cdktf:reviewed ${VERSION} (the plans as reviewed, for plan-summary's reviewed check; do not edit)`;
const HEADER_RE = /^<!-- egi-cdktf:reviewed v(\d+)\b/;
const FOOTER = "-->";
const HASH_HEX = 24;
const STATUSES: readonly StackReport["status"][] = ["planned", "failed", "unchanged"];
/** Far above any real list (14,000 addresses are about 600 kB): a damaged or hostile list cannot fill the memory. */
const MAX_LIST_BYTES = 64 * 1024 * 1024;
const TODO = "plan again in a pull request and have that plan reviewed before deploying";
const VERB: Readonly<Record<ChangeAction, string>> = { add: "added", change: "changed", replace: "replaced", destroy: "destroyed" };
/** Destroys and replacements first: they lose data. */
const SEVERITY: readonly ChangeAction[] = ["destroy", "replace", "add", "change"];

/** Code-unit order: the same on every machine (localeCompare is not). */
const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const hashOf = (lines: readonly string[]): string => createHash("sha256").update(lines.join("\n")).digest("hex").slice(0, HASH_HEX);
/** A stack name as one token: percent-encoded, and no `--` (an HTML comment must not hold it). */
const encodeName = (name: string): string => encodeURIComponent(name).replace(/-(?=-)/g, "%2D");

/** Each planned stack's addresses by action, sorted; undefined for a stack with no plan to show. */
function plannedAddresses(s: StackReport): Map<ChangeAction, string[]> | undefined {
  if (s.status !== "planned" || !s.changes) return undefined;
  const byAction = new Map<ChangeAction, string[]>();
  for (const r of s.changes.resources) {
    const list = byAction.get(r.action);
    if (list) list.push(r.address);
    else byAction.set(r.action, [r.address]);
  }
  for (const list of byAction.values()) list.sort(byCodeUnit);
  return byAction;
}

/** One hash over every planned stack's (stack, action, address). */
function appHash(stacks: readonly StackReport[]): { hash: string; counts: Record<ChangeAction, number> } {
  const entries: string[] = [];
  const counts = { add: 0, change: 0, replace: 0, destroy: 0 };
  for (const s of stacks) {
    for (const [action, list] of plannedAddresses(s) ?? []) {
      counts[action] += list.length;
      for (const address of list) entries.push(JSON.stringify([s.name, action, address]));
    }
  }
  return { hash: hashOf(entries.sort(byCodeUnit)), counts };
}

const withSum = (lines: readonly string[]): string => [HEADER, ...lines, `sum ${hashOf(lines)}`, FOOTER].join("\n");

/** The hidden block (an HTML comment, at most `maxChars` long) that records the planned stacks' changes. */
export function fingerprintBlock(stacks: readonly StackReport[], options: FingerprintOptions = {}): string {
  const maxChars = options.maxChars ?? FINGERPRINT_MAX_CHARS;
  // Each line with its list as a separate part, so lists can be dropped without re-rendering.
  const rows: Array<{ line: string; list?: string }> = [];
  for (const s of stacks) {
    const status = s.status === "planned" && s.failure ? "failed" : s.status;
    rows.push({ line: `stack ${encodeName(s.name)} ${status}` });
    for (const [action, list] of [...(plannedAddresses(s) ?? [])].sort((a, b) => CHANGE_ACTIONS.indexOf(a[0]) - CHANGE_ACTIONS.indexOf(b[0]))) {
      const encoded = deflateRawSync(Buffer.from(list.join("\n"), "utf8"), { level: 9 }).toString("base64");
      rows.push({ line: `${action} ${list.length} ${hashOf(list)}`, list: encoded });
    }
  }
  const frame = withSum([]).length; // header, sum line (fixed width) and footer; each row adds its newline
  let length = frame + rows.reduce((n, r) => n + r.line.length + 1 + (r.list ? r.list.length + 1 : 0), 0);
  // Drop the largest lists first: the most lists (and so the most named resources) stay.
  for (const r of [...rows].filter((row) => row.list).sort((a, b) => b.list!.length - a.list!.length)) {
    if (length <= maxChars) break;
    length -= r.list!.length + 1;
    delete r.list;
  }
  if (length <= maxChars) return withSum(rows.map((r) => (r.list ? `${r.line} ${r.list}` : r.line)));
  const { hash, counts } = appHash(stacks);
  return withSum([`app ${stacks.length} ${CHANGE_ACTIONS.map((a) => counts[a]).join(" ")} ${hash}`]);
}

const noFingerprint = (file: string) => new UsageError(`--reviewed ${file} has no egi-cdktf fingerprint: is it a plan-summary comment? Give the summary plan-summary wrote for the reviewed pull request (egi-cdktf reviewed-summary fetches it)`);
const damaged = (file: string, why: string) =>
  new UsageError(`--reviewed ${file}: its egi-cdktf fingerprint is damaged (${why}): give the summary as plan-summary wrote it (egi-cdktf reviewed-summary fetches it), not an edited copy`);

/** Each block's version and lines (trimmed, blank ones left out) between its header and `-->`. */
function blocksOf(markdown: string): Array<{ version: string; lines: string[]; closed: boolean }> {
  const lines = markdown.split(/\r\n|\r|\n/).map((l) => l.trim());
  const blocks: Array<{ version: string; lines: string[]; closed: boolean }> = [];
  for (let i = 0; i < lines.length; i++) {
    const m = HEADER_RE.exec(lines[i]);
    if (!m) continue;
    const end = lines.indexOf(FOOTER, i + 1);
    const stop = end < 0 ? lines.length : end;
    blocks.push({ version: m[1], lines: lines.slice(i + 1, stop).filter((l) => l !== ""), closed: end >= 0 });
    i = stop;
  }
  return blocks;
}

function decodeList(text: string, count: number, hash: string, where: string): string[] {
  let list: string[];
  try {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) throw new Error("not base64");
    list = inflateRawSync(Buffer.from(text, "base64"), { maxOutputLength: MAX_LIST_BYTES }).toString("utf8").split("\n");
  } catch {
    throw new Error(`the address list of ${where} does not decode`);
  }
  if (list.length !== count || hashOf(list) !== hash) throw new Error(`the address list of ${where} does not match its count and hash`);
  return list;
}

function parseLines(lines: readonly string[]): Fingerprint {
  const body = lines.slice(0, -1);
  const sum = /^sum ([0-9a-f]+)$/.exec(lines[lines.length - 1] ?? "");
  if (!sum) throw new Error("its last line is not its sum");
  if (sum[1] !== hashOf(body)) throw new Error("its lines do not match their sum");
  const app = body.length === 1 ? /^app (\d+) (\d+) (\d+) (\d+) (\d+) ([0-9a-f]+)$/.exec(body[0]) : null;
  if (app) {
    const [stacks, add, change, replace, destroy] = app.slice(1, 6).map(Number);
    return { kind: "app", stacks, counts: { add, change, replace, destroy }, hash: app[6] };
  }
  const stacks: Array<{ name: string; status: StackReport["status"]; actions: Partial<Record<ChangeAction, ReviewedAction>> }> = [];
  for (const line of body) {
    const parts = line.split(" ");
    if (parts[0] === "stack" && parts.length === 3 && STATUSES.includes(parts[2] as StackReport["status"])) {
      let name: string;
      try {
        name = decodeURIComponent(parts[1]);
      } catch {
        throw new Error(`unreadable stack name ${parts[1]}`);
      }
      stacks.push({ name, status: parts[2] as StackReport["status"], actions: {} });
      continue;
    }
    const action = parts[0] as ChangeAction;
    const current = stacks[stacks.length - 1];
    if (!CHANGE_ACTIONS.includes(action) || !current || (parts.length !== 3 && parts.length !== 4) || !/^\d+$/.test(parts[1]) || !/^[0-9a-f]+$/.test(parts[2])) {
      throw new Error(`unexpected line "${line.slice(0, 60)}"`);
    }
    const where = `stack ${current.name}, ${action}`;
    if (current.actions[action]) throw new Error(`${where} is recorded twice`);
    const count = Number(parts[1]);
    current.actions[action] = { count, hash: parts[2], ...(parts[3] ? { addresses: decodeList(parts[3], count, parts[2], where) } : {}) };
  }
  return { kind: "stacks", stacks };
}

/** The fingerprint in a reviewed summary's Markdown (UsageError naming --reviewed and `file` when it has none or it is damaged). */
export function readFingerprint(markdown: string, file: string): Fingerprint {
  const blocks = blocksOf(markdown);
  if (blocks.length === 0) throw noFingerprint(file);
  const distinct = new Set(blocks.map((b) => `${b.version}\n${b.lines.join("\n")}`));
  if (distinct.size > 1) throw new UsageError(`--reviewed ${file} holds ${distinct.size} different egi-cdktf fingerprints: give one summary, the one of the app being deployed`);
  const [block] = blocks;
  if (!block.closed) throw damaged(file, `it has no end line "${FOOTER}"`);
  if (`v${block.version}` !== VERSION) throw new UsageError(`--reviewed ${file}: its egi-cdktf fingerprint is v${block.version}, this egi-cdktf reads ${VERSION}: run the egi-cdktf version that wrote the summary`);
  try {
    return parseLines(block.lines);
  } catch (err) {
    throw damaged(file, (err as Error).message);
  }
}

interface Found {
  readonly difference: ReviewedDifference;
  readonly order: readonly [number, number];
}

/** Why a stack's changes were not reviewed at all, or undefined when its plan was. */
function notReviewed(reviewed: ReviewedStack | undefined, name: string, file: string): string | undefined {
  if (!reviewed) return `the reviewed plan (${file}) has no stack ${name}`;
  if (reviewed.status === "unchanged") return `the reviewed plan (${file}) skipped stack ${name} as unchanged (--changed-since), so none of its changes were reviewed`;
  if (reviewed.status === "failed") return `stack ${name}'s plan failed in the review (${file}), so none of its changes were reviewed`;
  return undefined;
}

/** The differences of one stack and action, at most MAX_NAMED_PER_ACTION named resources then one line for the rest. */
function actionDifferences(stack: string, action: ChangeAction, now: readonly string[], reviewed: ReviewedStack | undefined, file: string): ReviewedDifference[] {
  const why = notReviewed(reviewed, stack, file);
  const recorded = why ? undefined : reviewed!.actions[action];
  if (recorded && !recorded.addresses) {
    if (hashOf(now) === recorded.hash) return [];
    const message =
      `stack ${stack}: ${now.length} to ${action} now, ${recorded.count} in the reviewed plan (${file}), which kept only a hash of ` +
      `those addresses (too many for the comment) and it differs, so this is not the reviewed plan; ${TODO}`;
    return [{ stack, action, message }];
  }
  const known = new Set(recorded?.addresses ?? []);
  const extra = now.filter((a) => !known.has(a));
  const out: ReviewedDifference[] = extra.slice(0, MAX_NAMED_PER_ACTION).map((address) => ({
    stack,
    action,
    address,
    message: `stack ${stack}: ${address} would be ${VERB[action]}, ${why ? `but ${why}` : `which the reviewed plan (${file}) did not show`}; ${TODO}`,
  }));
  const more = extra.length - out.length;
  if (more > 0) out.push({ stack, action, message: `stack ${stack}: ${more} more to ${action} that the reviewed plan (${file}) did not show (listed in this summary); ${TODO}` });
  return out;
}

/** Compare the new plans with the fingerprint in the reviewed summary's Markdown (UsageError when it has none). */
export function checkAgainstReviewed(markdown: string, file: string, stacks: readonly StackReport[]): ReviewedCheck {
  const fp = readFingerprint(markdown, file);
  if (fp.kind === "app") return checkAgainstApp(fp, file, stacks);
  const found: Found[] = [];
  stacks.forEach((s, index) => {
    // A failed plan is a failure of its own; an unchanged stack (--changed-since) was not planned.
    if (s.failure) return;
    const reviewed = fp.stacks.find((r) => r.name === s.name);
    for (const [action, now] of plannedAddresses(s) ?? []) {
      for (const difference of actionDifferences(s.name, action, now, reviewed, file)) found.push({ difference, order: [SEVERITY.indexOf(action), index] });
    }
  });
  // Destroys and replacements first, then by stack in the app's order; addresses are sorted already.
  found.sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1]);
  const differences = found.map((f) => f.difference);
  return { file, ok: differences.length === 0, differences };
}

/** The whole app against the one hash a very large review kept: the same changes, or none, pass. */
function checkAgainstApp(fp: Extract<Fingerprint, { kind: "app" }>, file: string, stacks: readonly StackReport[]): ReviewedCheck {
  const now = appHash(stacks.filter((s) => !s.failure));
  const total = CHANGE_ACTIONS.reduce((n, a) => n + now.counts[a], 0);
  if (total === 0 || now.hash === fp.hash) return { file, ok: true, differences: [] };
  const counts = (c: Readonly<Record<ChangeAction, number>>) => SEVERITY.map((a) => `${c[a]} to ${a}`).join(", ");
  const message =
    `the plans: ${counts(now.counts)} now; the reviewed plan (${file}) kept only one hash for its ${fp.stacks} stacks (${counts(fp.counts)}), ` +
    `too many to list, and it differs, so this is not the reviewed plan; ${TODO}`;
  return { file, ok: false, differences: [{ stack: "*", message }] };
}
