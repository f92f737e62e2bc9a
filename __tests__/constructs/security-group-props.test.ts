/**
 * SecurityGroup called as JavaScript (or Python through jsii) can call it: props and arguments left
 * out, misspelled or of the wrong kind give one line naming the caller and the prop, never
 * `Cannot read properties of undefined`. (The table of the other constructs is public-props.test.ts.)
 */
import { TerraformStack, Testing } from "cdktf";
import { SecurityGroup } from "../../constructs/security-group";
import { messageOf as errorOf } from "../support/thrown";

const stack = () => new TerraformStack(Testing.app(), "s");
/** Calls as JavaScript would: no type checks. */
const js = (x: unknown) => x as never;
const group = () => new SecurityGroup(stack(), "sg");

describe("SecurityGroup, called from JavaScript", () => {
  test.each<[string, () => unknown, string]>([
    ["fromName without props", () => SecurityGroup.fromName(stack(), "default", js(undefined)), "SecurityGroup.fromName s/default: props must be an object with name, got undefined"],
    ["fromName without name", () => SecurityGroup.fromName(stack(), "default", js({})), "SecurityGroup.fromName s/default: required prop name is missing (a string)"],
    ["fromName with a misspelled name", () => SecurityGroup.fromName(stack(), "default", js({ Name: "default" })), "SecurityGroup.fromName s/default: unknown prop Name; did you mean name?"],
    ["fromName with a number for name", () => SecurityGroup.fromName(stack(), "default", js({ name: 42 })), "SecurityGroup.fromName s/default: prop name must be a string, got a number"],
    ["new with null props", () => new SecurityGroup(stack(), "sg", js(null)), "SecurityGroup s/sg: props must be an object, got null"],
    ["new with a misspelled description", () => new SecurityGroup(stack(), "sg", js({ desciption: "web" })), "SecurityGroup s/sg: unknown prop desciption; did you mean description?"],
    ["new with allowAllOutbound misspelled", () => new SecurityGroup(stack(), "sg", js({ allowAllOutBound: false })), "SecurityGroup s/sg: unknown prop allowAllOutBound; did you mean allowAllOutbound?"],
    ["new with aws-ec2's allowAllIpv6Outbound", () => new SecurityGroup(stack(), "sg", js({ allowAllIpv6Outbound: false })), "SecurityGroup s/sg: unknown prop allowAllIpv6Outbound; known props: name, description, site, allowAllOutbound"],
    ["new with a number for name", () => new SecurityGroup(stack(), "sg", js({ name: 7 })), "SecurityGroup s/sg: prop name must be a string, got a number"],
    ["allowSshFrom without cidr", () => group().allowSshFrom(js(undefined)), "SecurityGroup s/sg: allowSshFrom: argument cidr must be a string, got undefined"],
    ["allowIcmpFrom with a list", () => group().allowIcmpFrom(js(["0.0.0.0/0"])), "SecurityGroup s/sg: allowIcmpFrom: argument cidr must be a string, got a list"],
    ["allowTcpFrom without port", () => group().allowTcpFrom("0.0.0.0/0", js(undefined)), "SecurityGroup s/sg: allowTcpFrom: argument port must be a value, got undefined"],
    ["allowUdpFrom with a range of other names", () => group().allowUdpFrom("0.0.0.0/0", js({ start: 1, end: 2 })), "SecurityGroup s/sg: allowUdpFrom: port: unknown prop start; known props: from, to"],
    ["allowTcpFrom with a range without to", () => group().allowTcpFrom("0.0.0.0/0", js({ from: 8000 })), "SecurityGroup s/sg: allowTcpFrom: port: required prop to is missing (a value)"],
    ["an imported group's allowTcpFrom without cidr", () => SecurityGroup.fromName(stack(), "default", { name: "default" }).allowTcpFrom(js(undefined), 22), "SecurityGroup s/default: allowTcpFrom: argument cidr must be a string, got undefined"],
  ])("GIVEN %s WHEN called THEN one line names the caller and the prop", (_what, call, message) => {
    expect(errorOf(call)).toBe(message);
  });
});
