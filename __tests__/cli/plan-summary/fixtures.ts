/** The captured plans of __tests__/fixtures/plans (see its README) and the local site's flavors they use. */
import * as fs from "node:fs";
import * as path from "node:path";
import type { PlanJson } from "../../../cli/plan-summary/plan-json";
import type { FlavorInfo } from "../../../constructs/lookups/site-api";

const DIR = path.resolve(__dirname, "..", "..", "fixtures", "plans");

export const planFixture = (name: "workers" | "mixed"): PlanJson => JSON.parse(fs.readFileSync(path.join(DIR, `${name}.show.json`), "utf8"));
export const planLog = (name: "broken"): string => fs.readFileSync(path.join(DIR, `${name}.plan.jsonl`), "utf8");

/** The flavors of the site the plans were captured at, as Nova listed them (ids from .site/cloud/site.json then). */
export const FLAVORS: FlavorInfo[] = [
  { id: "f0b3709e-d2be-4e39-974d-72e12a310aa7", name: "m1.small", vcpus: 1, ram: 2048, disk: 20, gpus: 0, isPublic: true },
  { id: "1106d3de-b9f7-4939-b21c-dea6a96e1f14", name: "m1.medium", vcpus: 2, ram: 4096, disk: 40, gpus: 0, isPublic: true },
  { id: "e5ff05d6-eb05-4444-8b8d-4708cdcbc41a", name: "m1.large", vcpus: 4, ram: 8192, disk: 80, gpus: 0, isPublic: true },
];
export const SMALL = FLAVORS[0].id;
export const MEDIUM = FLAVORS[1].id;
