/**
 * The Mermaid side of the server diagram (diagram.ts): the marks and their styles, node shapes, the
 * header with its legend, and labels made safe inside Mermaid's double quotes.
 */

/** What a server or neighbour node is marked as: its own change, or none. */
export type Mark = "added" | "replaced" | "destroyed" | "changed" | "unchanged";
export const STYLES: Readonly<Record<Mark, { readonly legend: string; readonly style: string }>> = {
  added: { legend: "+ added", style: "fill:#dafbe1,stroke:#1a7f37,color:#0f2e18" },
  replaced: { legend: "-/+ replaced", style: "fill:#fff1e5,stroke:#bc4c00,color:#3d1a00" },
  destroyed: { legend: "- destroyed", style: "fill:#ffebe9,stroke:#cf222e,color:#4c0a10,stroke-dasharray:4 3" },
  changed: { legend: "~ changed in place", style: "fill:#fff8c5,stroke:#9a6700,color:#3b2300" },
  unchanged: { legend: "unchanged", style: "fill:#f6f8fa,stroke:#8c959f,color:#24292f" },
};
export const SYMBOL: Readonly<Record<Mark, string>> = { added: "+ ", replaced: "-/+ ", destroyed: "- ", changed: "~ ", unchanged: "" };
/** Node shapes by kind: server box, network hexagon, floating IP stadium, volume cylinder, group subroutine. */
export const SHAPE = { server: ["[", "]"], network: ["{{", "}}"], fip: ["([", "])"], volume: ["[(", ")]"], group: ["[[", "]]"] } as const;
export type Kind = keyof typeof SHAPE;
const LABEL_MAX = 60;

/** The header, the class of each mark used and a legend of them. */
export function chrome(used: readonly Mark[]): string[] {
  const head = ["flowchart LR", ...used.map((m) => `  classDef ${m} ${STYLES[m].style}`)];
  const legend = ['  subgraph legend["Legend"]', ...used.map((m) => `    legend_${m}["${mermaidText(STYLES[m].legend)}"]:::${m}`), "  end"];
  return used.length ? [...head, ...legend] : head;
}

/**
 * `text` safe inside a Mermaid double-quoted label: one line, at most `max` characters, and
 * every character but letters, digits, space and `.,:/_@+=~-` written as Mermaid's `#code;` entity,
 * so a name with quotes, brackets, `#`, `<`, `>` or backticks cannot end the label or inject markup.
 */
export function mermaidText(text: string, max = LABEL_MAX): string {
  let flat = text.replace(/\s+/g, " ").trim();
  if ([...flat].length > max) flat = `${[...flat].slice(0, max - 1).join("")}…`;
  return [...flat].map((c) => (/[A-Za-z0-9 .,:/_@+=~-]/.test(c) ? c : `#${c.codePointAt(0)};`)).join("");
}
