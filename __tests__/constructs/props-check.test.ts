import { checkArg, checkProps, type PropsShape } from "../../constructs/props-check";
import { messageOf as errorOf } from "../support/thrown";

const SHAPE: PropsShape = {
  required: { flavor: "object", name: "non-empty string" },
  optional: { password: "string", sizeGb: "number", tags: "list", site: "any", region: "non-empty string" },
};

describe("checkProps", () => {
  test.each<[string, unknown, string]>([
    ["props left out", undefined, "Thing a/b: props must be an object with flavor, name, got undefined"],
    ["props a string", "vm", "Thing a/b: props must be an object with flavor, name, got a string"],
    ["props a list", [], "Thing a/b: props must be an object with flavor, name, got a list"],
    ["one required prop missing", { name: "vm" }, "Thing a/b: required prop flavor is missing (an object)"],
    ["a required prop null", { flavor: null, name: "vm" }, "Thing a/b: required prop flavor is missing (an object)"],
    ["two required props missing", {}, "Thing a/b: required props flavor, name are missing"],
    ["a misspelled prop", { flavour: {}, name: "vm" }, "Thing a/b: unknown prop flavour; did you mean flavor?"],
    ["a prop in another case", { flavor: {}, Name: "vm" }, "Thing a/b: unknown prop Name; did you mean name?"],
    ["an unknown prop like none", { flavor: {}, name: "vm", colour: "red" }, "Thing a/b: unknown prop colour; known props: flavor, name, password, sizeGb, tags, site, region"],
    ["a blank name", { flavor: {}, name: "  " }, "Thing a/b: prop name is empty"],
    ["an empty optional prop", { flavor: {}, name: "vm", region: "" }, "Thing a/b: prop region is empty; leave it out or give a value"],
    ["a number for a string", { flavor: {}, name: 42 }, "Thing a/b: prop name must be a non-empty string, got a number"],
    ["a string for an object", { flavor: "m1.small", name: "vm" }, "Thing a/b: prop flavor must be an object, got a string"],
    ["a list for an object", { flavor: [], name: "vm" }, "Thing a/b: prop flavor must be an object, got a list"],
    ["an optional prop null", { flavor: {}, name: "vm", sizeGb: null }, "Thing a/b: prop sizeGb is null; leave it out or give a number"],
    ["a string for a number", { flavor: {}, name: "vm", sizeGb: "20" }, "Thing a/b: prop sizeGb must be a number, got a string"],
    ["NaN for a number", { flavor: {}, name: "vm", sizeGb: Number("x") }, "Thing a/b: prop sizeGb must be a number, got NaN"],
    ["a string for a list", { flavor: {}, name: "vm", tags: "a,b" }, "Thing a/b: prop tags must be a list, got a string"],
  ])("GIVEN %s WHEN checked THEN one line names the caller and the prop", (_, props, message) => {
    expect(errorOf(() => checkProps("Thing a/b", props, SHAPE))).toBe(message);
  });

  test.each<[string, unknown]>([
    ["required props only", { flavor: {}, name: "vm" }],
    ["every prop", { flavor: {}, name: "vm", password: "", sizeGb: 0, tags: [], site: "anything" }],
    ["optional props undefined", { flavor: {}, name: "vm", sizeGb: undefined, password: undefined }],
  ])("GIVEN %s WHEN checked THEN accepted", (_, props) => {
    expect(() => checkProps("Thing a/b", props, SHAPE)).not.toThrow();
  });

  test("GIVEN nothing required WHEN props are left out THEN accepted, and an unknown prop is named", () => {
    expect(() => checkProps("Thing", undefined, { optional: ["alias"] })).not.toThrow();
    expect(errorOf(() => checkProps("Thing", { aliass: "x" }, { optional: ["alias"] }))).toBe("Thing: unknown prop aliass; did you mean alias?");
    expect(errorOf(() => checkProps("Thing", { alias: "x" }, {}))).toBe("Thing: unknown prop alias; it takes no props");
  });

  test("GIVEN a secret in a prop of the wrong kind or next to a misspelled one WHEN refused THEN the secret is not in the message", () => {
    const secret = "s3cr3t-Pa55word";
    const messages = [
      errorOf(() => checkProps("Thing", { flavor: {}, name: "vm", password: [secret] }, SHAPE)),
      errorOf(() => checkProps("Thing", { flavor: {}, name: "vm", passwrd: secret }, SHAPE)),
      errorOf(() => checkProps("Thing", { flavor: secret, name: "vm" }, SHAPE)),
      errorOf(() => checkProps("Thing", secret, SHAPE)),
      errorOf(() => checkArg("Thing.from", "token", { secret }, "string")),
    ];
    for (const message of messages) expect(message).not.toContain(secret);
  });
});

describe("checkArg", () => {
  test.each<[string, unknown, string]>([
    ["undefined (an unset environment variable)", undefined, "Flavor.fromId: argument id must be a non-empty string, got undefined"],
    ["null", null, "Flavor.fromId: argument id must be a non-empty string, got null"],
    ["an empty string", "", "Flavor.fromId: argument id must be a non-empty string, got an empty string"],
    ["an object", {}, "Flavor.fromId: argument id must be a non-empty string, got an object"],
  ])("GIVEN %s WHEN checked THEN one line names the factory and the argument", (_, value, message) => {
    expect(errorOf(() => checkArg("Flavor.fromId", "id", value, "non-empty string"))).toBe(message);
  });

  test("GIVEN a value of its kind WHEN checked THEN accepted", () => {
    expect(() => checkArg("Flavor.fromId", "id", "m1.small", "non-empty string")).not.toThrow();
  });
});
