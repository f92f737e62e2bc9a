/**
 * auth/framework.ts: which framework this build runs on, and the creation-stack switch runApp
 * flips on cdktn. Runs in both unit runs: jest.config.js (cdktf) and jest.cdktn.config.js, which
 * resolves the `cdktf` module to cdktn; the expected framework is read from the package that
 * module resolves to, not from the code under test.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Lazy, Tokenization } from "cdktf";
import { CREATION_STACK_VAR, disableCreationStackUnlessChosen, FRAMEWORK } from "../../auth/framework";

/** The name in the package.json above the file the `cdktf` module resolves to here. */
function resolvedFrameworkPackage(): string {
  for (let dir = path.dirname(require.resolve("cdktf")); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")).name;
  }
  throw new Error("no package.json above the cdktf module");
}

const creationStackOfNewToken = () => Tokenization.reverseString(Lazy.stringValue({ produce: () => "x" })).firstToken!.creationStack;

test("GIVEN the module this run resolves cdktf to WHEN FRAMEWORK is read THEN it names that package", () => {
  expect(FRAMEWORK).toBe(resolvedFrameworkPackage());
});

describe("disableCreationStackUnlessChosen", () => {
  test.each`
    framework  | before       | after
    ${"cdktn"} | ${undefined} | ${"1"}
    ${"cdktn"} | ${"0"}       | ${"0"}
    ${"cdktn"} | ${"true"}    | ${"true"}
    ${"cdktf"} | ${undefined} | ${undefined}
  `("GIVEN $framework and $before WHEN switched THEN the variable is $after", ({ framework, before, after }) => {
    const env: NodeJS.ProcessEnv = before === undefined ? {} : { [CREATION_STACK_VAR]: before };
    disableCreationStackUnlessChosen(env, framework);
    expect(env[CREATION_STACK_VAR]).toBe(after);
  });

  test("GIVEN this run's framework WHEN the switch is on in the process THEN cdktn captures no creation stack for a new token, cdktf (which has no switch) still does", () => {
    const saved = process.env[CREATION_STACK_VAR];
    delete process.env[CREATION_STACK_VAR];
    try {
      expect(creationStackOfNewToken().length).toBeGreaterThan(0);
      disableCreationStackUnlessChosen();
      const expected = resolvedFrameworkPackage() === "cdktn" ? 0 : creationStackOfNewToken().length;
      expect(creationStackOfNewToken().length).toBe(expected);
      if (resolvedFrameworkPackage() === "cdktf") expect(expected).toBeGreaterThan(0);
    } finally {
      if (saved === undefined) delete process.env[CREATION_STACK_VAR];
      else process.env[CREATION_STACK_VAR] = saved;
    }
  });
});
