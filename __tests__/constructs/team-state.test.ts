import { App, LocalBackend, TerraformStack, Testing } from "cdktf";
import { TeamState } from "../../constructs";

const PG_CONN_STR_ENV = TeamState.PG_CONN_STR_ENV;

const SECRET = "s3cr3t-pg-password-do-not-print";

/** Run `body` with PG_CONN_STR / PGHOST set as given (undefined: unset), restoring them after. */
function withEnv<T>(env: Record<string, string | undefined>, body: () => T): T {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(env)) v === undefined ? delete process.env[k] : (process.env[k] = v);
  try {
    return body();
  } finally {
    for (const [k, v] of Object.entries(saved)) v === undefined ? delete process.env[k] : (process.env[k] = v);
  }
}

const NO_PG_ENV = { [PG_CONN_STR_ENV]: undefined, PGHOST: undefined };

function synth(stack: TerraformStack): any {
  return JSON.parse(Testing.synth(stack));
}

describe("TeamState.postgres", () => {
  test("GIVEN a stack WHEN synthesized THEN its backend is pg with a schema named after the stack and no conn_str", () => {
    const stack = new TerraformStack(Testing.app(), "Analysis-prod.v2");
    const state = withEnv(NO_PG_ENV, () => TeamState.postgres(stack));

    const json = synth(stack);

    expect(state.schemaName).toBe("cdktf_analysis_prod_v2");
    expect(json.terraform.backend).toEqual({ pg: { schema_name: "cdktf_analysis_prod_v2" } });
    expect(json.terraform.backend.pg).not.toHaveProperty("conn_str");
  });

  test("GIVEN PG_CONN_STR with a password in the environment WHEN synthesized THEN the password is nowhere in cdk.tf.json", () => {
    const out = withEnv({ [PG_CONN_STR_ENV]: `postgres://team:${SECRET}@db.example.org:5432/state?sslmode=verify-full` }, () => {
      const stack = new TerraformStack(Testing.app(), "s");
      TeamState.postgres(stack, { schemaName: "team_s" });
      stack.runAllValidations();
      return Testing.synth(stack);
    });

    expect(JSON.parse(out).terraform.backend).toEqual({ pg: { schema_name: "team_s" } });
    expect(out).not.toContain(SECRET);
    expect(out).not.toContain("db.example.org");
  });

  test("GIVEN schemaName and skipSchemaCreation WHEN synthesized THEN both are in the backend block", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    withEnv(NO_PG_ENV, () => TeamState.postgres(stack, { schemaName: "analysis", skipSchemaCreation: true }));

    expect(synth(stack).terraform.backend).toEqual({ pg: { schema_name: "analysis", skip_schema_creation: true } });
  });

  test("GIVEN two stacks of an app WHEN each uses team state THEN each has its own schema", () => {
    const app = Testing.app();
    const a = new TerraformStack(app, "a");
    const b = new TerraformStack(app, "b");
    withEnv(NO_PG_ENV, () => [TeamState.postgres(a), TeamState.postgres(b)]);

    expect([synth(a), synth(b)].map((j) => j.terraform.backend.pg.schema_name)).toEqual(["cdktf_a", "cdktf_b"]);
  });

  test("GIVEN neither PG_CONN_STR nor PGHOST WHEN constructed THEN a warning names PG_CONN_STR", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    withEnv(NO_PG_ENV, () => TeamState.postgres(stack));

    const warnings = stack.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));
    expect(warnings).toEqual([expect.stringMatching(/^TeamState s: PG_CONN_STR is not set \(nor PGHOST\).*export PG_CONN_STR=postgres:\/\//)]);
  });

  test.each([
    ["a postgres:// URL", `postgres://u:${SECRET}@127.0.0.1:35432/egi_state?sslmode=disable`],
    ["a postgresql:// URL", `postgresql://u:${SECRET}@h/db`],
    ["a key=value string", `host=127.0.0.1 port=35432 dbname=egi_state user=u password=${SECRET}`],
  ])("GIVEN PG_CONN_STR as %s WHEN validated THEN no error and no warning", (_what, value) => {
    const stack = new TerraformStack(Testing.app(), "s");
    withEnv({ [PG_CONN_STR_ENV]: value }, () => {
      TeamState.postgres(stack);
      expect(() => stack.runAllValidations()).not.toThrow();
    });
    expect(stack.node.metadata.filter((m) => m.type === "@cdktf/warn")).toEqual([]);
  });

  /** The one-line errors a synth validation of TeamState s gives with PG_CONN_STR=value (and TERRAFORM_BINARY_NAME=engine). */
  function validationErrors(value: string, engine?: string): string[] {
    const stack = new TerraformStack(Testing.app(), "s");
    return withEnv({ [PG_CONN_STR_ENV]: value, TERRAFORM_BINARY_NAME: engine }, () => {
      TeamState.postgres(stack);
      try {
        stack.runAllValidations();
      } catch (e) {
        return String((e as Error).message).split("\n").filter((l) => l.includes("TeamState s:")).map((l) => l.replace(/^.*?(TeamState s:)/, "$1"));
      }
      return [];
    });
  }

  test.each([
    ["not a connection string", `${SECRET}`, 'PG_CONN_STR is neither a postgres:// URL nor keyword=value pairs: a word has no "=" after it'],
    ["a URL whose port is not a number", `postgres://u:${SECRET}@h:notaport/db`, "PG_CONN_STR has a port in the URL that is not a number from 1 to 65535"],
    ["a URL with an unknown sslmode", `postgres://u:${SECRET}@db.example.org/state?sslmode=bogus`, "PG_CONN_STR has sslmode with a value libpq does not take; use one of disable, allow, prefer, require, verify-ca, verify-full"],
    ["keyword=value with an unknown sslmode", `host=db.example.org user=u password=${SECRET} sslmode=verify`, "PG_CONN_STR has sslmode with a value libpq does not take"],
    ["a URL with sslmode=prefer, which lib/pq refuses", `postgres://u:${SECRET}@db.example.org/state?sslmode=prefer`, "PG_CONN_STR has sslmode=prefer, which libpq takes but terraform's PostgreSQL driver (lib/pq 1.10) refuses"],
    ["an unknown keyword", `host=db.example.org password=${SECRET} sslmod=require`, 'PG_CONN_STR has option "sslmod", which is not a connection option libpq knows'],
    ["a libpq option lib/pq sends to the server", `postgres://u:${SECRET}@db.example.org/state?keepalives=1`, 'PG_CONN_STR has option "keepalives", which libpq knows but terraform\'s PostgreSQL driver (lib/pq 1.10) does not'],
    ["a port that is not a number", `host=db.example.org port=54x32 password=${SECRET}`, "PG_CONN_STR has a port that is not a number from 1 to 65535"],
    ["a connect_timeout that is not a number", `postgres://u:${SECRET}@db.example.org/state?connect_timeout=5s`, "PG_CONN_STR has connect_timeout that is not a whole number"],
  ])("GIVEN PG_CONN_STR %s WHEN validated at synth THEN one line names PG_CONN_STR and the problem, never the value", (_what, value, message) => {
    const errors = validationErrors(value);
    expect(errors).toEqual([expect.stringContaining(`TeamState s: ${message}`)]);
    expect(errors.join("\n")).not.toContain(SECRET);
    expect(errors.join("\n")).not.toContain("db.example.org");
  });

  test("GIVEN target_session_attrs WHEN validated for terraform and for OpenTofu THEN only terraform's lib/pq 1.10 is refused", () => {
    const value = `postgres://u:${SECRET}@db.example.org/state?sslmode=verify-full&target_session_attrs=read-write`;
    expect(validationErrors(value, "terraform")).toEqual([expect.stringContaining('TeamState s: PG_CONN_STR has option "target_session_attrs", which libpq knows but terraform\'s PostgreSQL driver (lib/pq 1.10) does not')]);
    expect(validationErrors(value, "tofu")).toEqual([]);
  });

  test.each([
    [{ schemaName: "Analysis" }, 'TeamState s: schemaName must be lower-case letters, digits and _ (starting with a letter or _), got a string ("Analysis")'],
    [{ schemaName: "team-state" }, 'TeamState s: schemaName must be lower-case letters, digits and _ (starting with a letter or _), got a string ("team-state")'],
    [{ schemaName: "" }, "TeamState s: schemaName must be lower-case letters, digits and _ (starting with a letter or _), got an empty string"],
    [{ schemaName: 42 }, "TeamState s: schemaName must be lower-case letters, digits and _ (starting with a letter or _), got the number 42"],
    [{ schemaName: "x".repeat(64) }, `TeamState s: schemaName "${"x".repeat(40)}..." is longer than PostgreSQL's 63 characters`],
    [{ schemaName: "pg_state" }, 'TeamState s: schemaName "pg_state" is reserved by PostgreSQL; choose another'],
    [{ skipSchemaCreation: "yes" }, 'TeamState s: skipSchemaCreation must be true or false, got a string ("yes")'],
    [{ schemaname: "analysis" }, "TeamState s: unknown prop schemaname; did you mean schemaName?"],
    [{ skipSchemaCreaton: true }, "TeamState s: unknown prop skipSchemaCreaton; did you mean skipSchemaCreation?"],
    [{ connStr: "postgres://u:p@h/db" }, "TeamState s: unknown prop connStr; known props: schemaName, skipSchemaCreation"],
    [{ schemaName: null }, "TeamState s: prop schemaName is null; leave it out or give a value"],
    [null, "TeamState s: props must be an object, got null"],
  ])("GIVEN bad props %j WHEN constructed THEN a one-line error names the prop", (props, message) => {
    const stack = new TerraformStack(Testing.app(), "s");
    let error = "no error";
    try {
      withEnv(NO_PG_ENV, () => TeamState.postgres(stack, props as never));
    } catch (e) {
      error = (e as Error).message;
    }
    expect(error).toBe(message);
  });

  test("GIVEN no stack (JavaScript) WHEN postgres is called THEN the error says the scope must be a stack", () => {
    expect(() => withEnv(NO_PG_ENV, () => TeamState.postgres(undefined as never))).toThrow("TeamState: the scope must be a TerraformStack, got undefined");
  });

  test("GIVEN a stack name too long for the default schema WHEN constructed THEN the error asks for schemaName", () => {
    const stack = new TerraformStack(Testing.app(), "s".repeat(60));
    expect(() => withEnv(NO_PG_ENV, () => TeamState.postgres(stack))).toThrow(/is longer than 63 characters; set schemaName$/);
  });

  test("GIVEN two stacks whose names give the same default schema WHEN the second uses team state THEN the error names the first stack and schemaName", () => {
    const app = new App({ outdir: Testing.app().outdir });
    TeamState.postgres(new TerraformStack(app, "team-a"));
    expect(() => withEnv(NO_PG_ENV, () => TeamState.postgres(new TerraformStack(app, "team_a")))).toThrow(
      'TeamState team_a: schema "cdktf_team_a" already holds the state of stack team-a; give one of them another schemaName',
    );
  });

  test("GIVEN a stack with another backend WHEN team state is added THEN the error names that backend", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    new LocalBackend(stack, { path: "x.tfstate" });
    expect(() => withEnv(NO_PG_ENV, () => TeamState.postgres(stack))).toThrow("TeamState s: the stack already has a backend (s/backend); a stack keeps its state in one place");
  });

  test("GIVEN a stack with team state WHEN team state is added again THEN the error says it already has a backend", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    withEnv(NO_PG_ENV, () => TeamState.postgres(stack));
    expect(() => withEnv(NO_PG_ENV, () => TeamState.postgres(stack, { schemaName: "other" }))).toThrow("TeamState s: the stack already has a backend (s/backend)");
  });
});
