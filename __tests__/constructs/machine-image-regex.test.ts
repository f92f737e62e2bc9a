import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { DataOpenstackImagesImageV2 } from "../../.gen/providers/openstack/data-openstack-images-image-v2";
import { EgiSite } from "../../constructs/egi-site";
import { Flavor } from "../../constructs/flavor";
import { MachineImage } from "../../constructs/machine-image";
import { VirtualMachine } from "../../constructs/virtual-machine";
import { useTempContextFile } from "../support/construct-fixtures";

useTempContextFile();

describe("MachineImage.fromNameRegex", () => {
  test.each<[string, string, string]>([
    ["an unclosed class", "([", 'MachineImage.fromNameRegex: "([" is not an RE2 regular expression (missing closing ]: `[`)'],
    ["an unclosed group", "(ubuntu", 'MachineImage.fromNameRegex: "(ubuntu" is not an RE2 regular expression (missing closing ): `(ubuntu`)'],
    ["a lookahead (JavaScript, not RE2)", "ubuntu(?!-minimal)", "invalid or unsupported Perl syntax: `(?!`"],
    ["a back-reference (JavaScript, not RE2)", "(a)\\1", "invalid escape sequence: `\\1`"],
    ["a nothing-to-repeat", "*ubuntu", "missing argument to repetition operator: `*`"],
    ["a repeat count over 1000", "a{1001}", "invalid repeat count: `{1001}`"],
    ["\\Z (Python, not RE2)", "ubuntu\\Z", "invalid escape sequence: `\\Z`"],
    ["an empty regex", "", "MachineImage.fromNameRegex: regex is empty, which the provider ignores"],
  ])("GIVEN %s WHEN given THEN refused at synth with Go's reason", (_what, regex, message) => {
    expect(() => MachineImage.fromNameRegex(regex)).toThrow(message);
  });

  test("GIVEN an invalid regex WHEN refused THEN the message says the fix", () => {
    expect(() => MachineImage.fromNameRegex("([")).toThrow("which the provider and terraform plan refuse; fix it, or use MachineImage.fromName for an exact name");
  });

  test.each([["^ubuntu-22\\.04"], ["(?i)ubuntu"], ["\\pL+-[[:digit:]]+\\z"], ["(?P<v>\\d+)"], ["a{"], ["]"]])(
    "GIVEN %j, RE2 syntax JavaScript may not take WHEN synthesized THEN the data source filters on it",
    (regex) => {
      const stack = new TerraformStack(Testing.app(), "s");
      new EgiSite(stack, "site", { authUrl: "https://k.example.org:5000/v3", projectId: "p1" });
      new VirtualMachine(stack, "vm", { image: MachineImage.fromNameRegex(regex), flavor: Flavor.fromId("f") });
      expect(Testing.synth(stack)).toHaveDataSourceWithProperties(DataOpenstackImagesImageV2, { name_regex: regex, most_recent: true });
    },
  );

  test("GIVEN a regex from a variable WHEN given THEN accepted (known only at plan)", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const regex = new TerraformVariable(stack, "regex", { type: "string" }).stringValue;
    expect(() => MachineImage.fromNameRegex(regex)).not.toThrow();
  });
});
