/** terraform's machine-readable diagnostics -> the one line that names why a stack failed. */
import { diagnosticLine, parseDiagnostics } from "../../../cli/plan-summary/run-terraform";
import { planLog } from "./fixtures";

test("GIVEN the streamed output of a plan whose image data source matches nothing WHEN parsed THEN one error with terraform's summary and the data source's address", () => {
  const diagnostics = parseDiagnostics(planLog("broken"));

  expect(diagnostics).toHaveLength(1);
  expect(diagnostics[0]).toMatchObject({ severity: "error", summary: "Your query returned no results. Please change your search criteria and try again." });
  expect(diagnosticLine(diagnostics[0])).toMatch(/^Your query returned no results\. .* \(data\.openstack_images_image_v2\.image-[0-9a-f]+\)$/);
});

test("GIVEN validate -json's single document WHEN parsed THEN its errors and warnings, detail on one line", () => {
  const stdout = JSON.stringify({
    valid: false,
    diagnostics: [
      { severity: "error", summary: "Missing required argument", detail: 'The argument "name" is required,\nbut no definition was found.', address: "openstack_networking_secgroup_v2.x" },
      { severity: "warning", summary: "Deprecated attribute" },
    ],
  });

  const d = parseDiagnostics(stdout);

  expect(d.map((x) => x.severity)).toEqual(["error", "warning"]);
  expect(diagnosticLine(d[0])).toBe('Missing required argument: The argument "name" is required, but no definition was found. (openstack_networking_secgroup_v2.x)');
});

test("GIVEN output with stray non-JSON lines WHEN parsed THEN they are skipped", () => {
  const d = parseDiagnostics(`provider says hello\n${JSON.stringify({ type: "diagnostic", diagnostic: { severity: "warning", summary: "w" } })}\n`);

  expect(d).toEqual([{ severity: "warning", summary: "w" }]);
});
