import { Annotations, PgBackend, TerraformBackend, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { describeValue } from "./describe-value";
import { pgConnStrProblems, pgDriverFor } from "./pg-conn-str";
import { checkProps } from "./props-check";

/** Where terraform's `pg` backend reads its connection string when the configuration has none. */
export const PG_CONN_STR_ENV = "PG_CONN_STR";

/** The prefix of default schema names: `cdktf_<stack name>`. */
const DEFAULT_SCHEMA_PREFIX = "cdktf_";
/** PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1). */
const MAX_IDENTIFIER_BYTES = 63;

/** Where in PostgreSQL a stack's state lives: `TeamState.postgres` takes it. */
export interface PostgresTeamStateProps {
  /**
   * The PostgreSQL schema that holds this stack's state (terraform creates it, with a table
   * `states`, at `cdktf deploy`). One schema per stack: two stacks (or two apps) must not share
   * one, or each would see the other's state as its own. Lower-case letters, digits and `_`,
   * starting with a letter or `_`, at most 63 characters, not `pg_...`.
   * @default `cdktf_` + the stack name, lower-cased, every character other than a-z, 0-9 and `_`
   *   replaced by `_` (stack `analysis-prod` -> `cdktf_analysis_prod`)
   */
  readonly schemaName?: string;
  /**
   * The schema exists already (made by a database administrator) and the state user may not
   * create schemas: terraform then only creates its table in it.
   * @default false: terraform creates the schema when it is missing
   */
  readonly skipSchemaCreation?: boolean;
}

/** apps -> schema name -> path of the stack using it, to refuse two stacks of an app sharing a schema */
const schemasByApp = new WeakMap<Construct, Map<string, string>>();

/**
 * Team state: a stack's Terraform state kept in a PostgreSQL database shared by the team, with
 * locking, instead of `terraform.<stack>.tfstate` on one person's disk. Terraform's `pg` backend
 * takes a PostgreSQL advisory lock for the whole of a plan or apply: a second deploy of the same
 * stack waits (with `-lock-timeout`) or stops with "Error acquiring the state lock".
 *
 * The connection string, which holds the database password, is never part of the app:
 * `cdk.tf.json` gets only the schema name, and terraform reads the connection from the
 * environment the cdktf CLI runs it with: `PG_CONN_STR`
 * (`postgres://user:password@host:5432/db?sslmode=verify-full`), or the standard libpq variables
 * (`PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE`, `PGSSLMODE`, the password in `~/.pgpass` or
 * `PGPASSFILE`). `.terraform/terraform.tfstate` records `conn_str: null`. At synth, a set
 * `PG_CONN_STR` is checked as libpq and the engine's driver read it (terraform and OpenTofu use the
 * Go driver lib/pq, which refuses libpq's `sslmode=prefer` and sends options it does not know, such
 * as `keepalives`, to the server, which refuses the connection): one error line names each
 * problem, never the value.
 *
 * ```ts
 * const stack = new TerraformStack(app, "analysis");
 * TeamState.postgres(stack);                      // schema cdktf_analysis
 * ```
 */
export class TeamState {
  /** The variable terraform's `pg` backend reads the state database's connection string from. */
  public static readonly PG_CONN_STR_ENV = PG_CONN_STR_ENV;

  /**
   * Keep `stack`'s state in PostgreSQL (terraform's `pg` backend), in its own schema. The stack
   * must not have another backend.
   * @param props the schema and connection; by default (`{}`) a schema named after the stack, the connection from PG_CONN_STR
   */
  public static postgres(stack: TerraformStack, props: PostgresTeamStateProps = {}): TeamState {
    return new TeamState(stack, props);
  }

  /** The backend element (`terraform { backend "pg" { schema_name = ... } }`). */
  public readonly backend: PgBackend;
  /** The schema holding this stack's state. */
  public readonly schemaName: string;

  private constructor(stack: TerraformStack, props: PostgresTeamStateProps) {
    if (!TerraformStack.isStack(stack)) {
      throw new Error(`TeamState: the scope must be a TerraformStack, got ${describeValue(stack)}`);
    }
    const where = `TeamState ${stack.node.path}`;
    // Kinds are checked below, with messages that say what a schema name may be.
    checkProps(where, props, { optional: { schemaName: "any", skipSchemaCreation: "any" } });
    if (props.skipSchemaCreation !== undefined && typeof props.skipSchemaCreation !== "boolean") {
      throw new Error(`${where}: skipSchemaCreation must be true or false, got ${describeValue(props.skipSchemaCreation)}`);
    }
    const existing = stack.node.findAll().find((c) => TerraformBackend.isBackend(c));
    if (existing) {
      throw new Error(`${where}: the stack already has a backend (${existing.node.path}); a stack keeps its state in one place`);
    }

    this.schemaName = props.schemaName === undefined ? defaultSchemaName(stack, where) : checkSchemaName(props.schemaName, where);

    const app = stack.node.root;
    const used = schemasByApp.get(app) ?? new Map<string, string>();
    const other = used.get(this.schemaName);
    if (other !== undefined) {
      throw new Error(`${where}: schema "${this.schemaName}" already holds the state of stack ${other}; give one of them another schemaName`);
    }
    used.set(this.schemaName, stack.node.path);
    schemasByApp.set(app, used);

    // No connStr: terraform reads PG_CONN_STR (or the libpq variables) when it runs. PgBackend types
    // connStr as required; an undefined value is left out of cdk.tf.json.
    this.backend = new PgBackend(stack, {
      connStr: undefined as unknown as string,
      schemaName: this.schemaName,
      ...(props.skipSchemaCreation ? { skipSchemaCreation: true } : {}),
    });

    stack.node.addValidation({ validate: () => checkConnectionEnv(where) });
    if (!process.env[PG_CONN_STR_ENV] && !process.env.PGHOST) {
      Annotations.of(stack).addWarning(
        `${where}: ${PG_CONN_STR_ENV} is not set (nor PGHOST): terraform will not find the state database; ` +
          `export ${PG_CONN_STR_ENV}=postgres://<user>:<password>@<host>:<port>/<database>?sslmode=... before cdktf deploy`,
      );
    }
  }
}

function defaultSchemaName(stack: TerraformStack, where: string): string {
  const name = DEFAULT_SCHEMA_PREFIX + stack.node.id.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  if (Buffer.byteLength(name) > MAX_IDENTIFIER_BYTES) {
    throw new Error(`${where}: the default schema name "${name.slice(0, 40)}..." is longer than ${MAX_IDENTIFIER_BYTES} characters; set schemaName`);
  }
  return name;
}

function checkSchemaName(value: unknown, where: string): string {
  if (typeof value !== "string" || !/^[a-z_][a-z0-9_]*$/.test(value)) {
    throw new Error(`${where}: schemaName must be lower-case letters, digits and _ (starting with a letter or _), got ${describeValue(value)}`);
  }
  if (value.length > MAX_IDENTIFIER_BYTES) {
    throw new Error(`${where}: schemaName "${value.slice(0, 40)}..." is longer than PostgreSQL's ${MAX_IDENTIFIER_BYTES} characters`);
  }
  if (value.startsWith("pg_") || value === "information_schema") {
    throw new Error(`${where}: schemaName "${value}" is reserved by PostgreSQL; choose another`);
  }
  return value;
}

/**
 * The connection string's options, checked at synth as libpq and the engine's PostgreSQL driver
 * (lib/pq) read them (the app runs with the environment terraform will get). The value itself is
 * never shown: it holds the password.
 */
function checkConnectionEnv(where: string): string[] {
  const value = process.env[PG_CONN_STR_ENV];
  if (value === undefined || value === "") return [];
  return pgConnStrProblems(value, pgDriverFor(process.env)).map((problem) => `${where}: ${PG_CONN_STR_ENV} ${problem}`);
}
