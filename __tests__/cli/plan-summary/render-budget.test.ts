/** Fitting chunks of a summary into a size: tier by tier, the biggest lists first, never over. */
import { type Chunk, closeDetails, fitToBudget, fixed } from "../../../cli/plan-summary/render-budget";

const items = (name: string, n: number, width = 20) => Array.from({ length: n }, (_, i) => `- ${name}${i + 1}`.padEnd(width, "."));
const list = (name: string, n: number, tier: number, width?: number): Chunk => ({ kind: "list", tier, items: items(name, n, width), cutLine: (left) => `- … ${left} more ${name} left out` });
const shownOf = (lines: readonly string[], name: string) => lines.filter((l) => new RegExp(`^- ${name}\\d+\\.*$`).test(l)).length;
const cutOf = (lines: readonly string[], name: string) => Number(lines.find((l) => l.includes(`more ${name} left out`))?.match(/… (\d+) more/)?.[1] ?? 0);
const length = (lines: readonly string[]) => lines.join("\n").length;

test("GIVEN everything fits WHEN fitted THEN every line is kept as it was", () => {
  const chunks = [fixed("# head", ""), list("a", 5, 1), fixed("", "tail")];

  const fitted = fitToBudget(chunks, 10_000, "cut");

  expect(fitted.lines).toEqual(["# head", "", ...items("a", 5), "", "tail"]);
  expect(fitted.hardCut).toBe(false);
});

test("GIVEN a long list and a short one in one tier WHEN the budget is short THEN the long list is cut first, the short one stays whole, and the cut line counts what is gone", () => {
  const chunks = [fixed("# head"), list("long", 500, 1), list("short", 10, 1)];

  const fitted = fitToBudget(chunks, 3000, "cut");

  expect(length(fitted.lines)).toBeLessThanOrEqual(3000);
  expect(shownOf(fitted.lines, "short")).toBe(10);
  const shown = shownOf(fitted.lines, "long");
  expect(shown).toBeGreaterThan(100);
  expect(cutOf(fitted.lines, "long")).toBe(500 - shown);
  // the largest count that fits: one more item would not
  expect(length(fitToBudget(chunks, 3000 + 21, "cut").lines)).toBeLessThanOrEqual(3021);
  expect(shownOf(fitToBudget(chunks, 3000 + 21, "cut").lines, "long")).toBe(shown + 1);
});

test("GIVEN a droppable block, tier-1 lists and a tier-2 list WHEN the budget is short THEN the block goes first, then tier 1 is cut, and tier 2 only when tier 1 is gone", () => {
  const block: Chunk = { kind: "drop", tier: 0, lines: ["<details><summary>Diagram</summary>", "", "```mermaid", ...items("node", 50), "```", "", "</details>"], dropped: ["(diagram left out)"] };
  const chunks = [fixed("# head"), block, list("add", 100, 1), list("warn", 100, 2)];
  const full = length(fitToBudget(chunks, Infinity, "cut").lines);

  const a = fitToBudget(chunks, full - 100, "cut").lines;
  expect(a).toContain("(diagram left out)");
  expect([shownOf(a, "add"), shownOf(a, "warn")]).toEqual([100, 100]);

  const b = fitToBudget(chunks, 2500, "cut").lines;
  expect(b).toContain("(diagram left out)");
  expect(shownOf(b, "warn")).toBe(100);
  expect(shownOf(b, "add")).toBeLessThan(100);

  const c = fitToBudget(chunks, 1000, "cut").lines;
  expect(shownOf(c, "add")).toBe(0);
  expect(cutOf(c, "add")).toBe(100);
  expect(shownOf(c, "warn")).toBeLessThan(100);
  expect(cutOf(c, "warn")).toBe(100 - shownOf(c, "warn"));
  expect(length(c)).toBeLessThanOrEqual(1000);
});

test("GIVEN fixed lines that alone exceed the budget WHEN fitted THEN the text is cut at a line, the open <details> are closed, the note ends it, and it fits", () => {
  const chunks = [fixed("# head", "<details><summary>Stack</summary>", "", ...items("row", 300), "", "</details>")];

  const fitted = fitToBudget(chunks, 2000, "**cut here**");

  expect(fitted.hardCut).toBe(true);
  expect(length(fitted.lines)).toBeLessThanOrEqual(2000);
  expect(fitted.lines.slice(-4)).toEqual(["", "</details>", "", "**cut here**"]);
  expect(closeDetails(fitted.lines)).toEqual([]);
});

test("GIVEN random chunk sizes and budgets WHEN fitted THEN the text never exceeds the budget and cut lines always add up to the items", () => {
  let seed = 7;
  const rnd = (n: number) => Math.floor(((seed = (seed * 16807) % 2147483647) / 2147483647) * n);
  for (let round = 0; round < 200; round++) {
    const names = ["p", "q", "r", "s"].slice(0, 1 + rnd(4));
    const chunks: Chunk[] = [fixed("# head", "x".repeat(rnd(300))), ...names.map((n) => list(n, rnd(400), rnd(3), 5 + rnd(60)))];
    const budget = 600 + rnd(20_000);

    const fitted = fitToBudget(chunks, budget, "cut");

    expect(length(fitted.lines)).toBeLessThanOrEqual(budget);
    if (!fitted.hardCut) for (const c of chunks) if (c.kind === "list") expect(shownOf(fitted.lines, c.items[0]?.match(/^- (\w)/)?.[1] ?? "none") + cutOf(fitted.lines, c.items[0]?.match(/^- (\w)/)?.[1] ?? "none")).toBe(c.items.length);
  }
});
