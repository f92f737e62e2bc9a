import { TerraformOutput, type TerraformStack, Testing } from "cdktf";

let probes = 0;

/** What `value` (a token or a plain value) becomes in the synthesized stack, read from an output. */
export function resolved(stack: TerraformStack, value: unknown): unknown {
  const id = `probe_${probes++}`;
  new TerraformOutput(stack, id, { value });
  return JSON.parse(Testing.synth(stack)).output[id].value;
}
