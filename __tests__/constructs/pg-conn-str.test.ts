import { type PgDriver, pgConnStrProblems, pgDriverFor } from "../../constructs/pg-conn-str";

/** In every string below, so that a problem showing any part of the value is caught. */
const SECRET = "s3cr3t-pg-password";
const TF = "terraform's PostgreSQL driver (lib/pq 1.10)";
const TOFU = "OpenTofu's PostgreSQL driver (lib/pq 1.11)";

function problems(value: string, driver: PgDriver = "terraform"): string[] {
  const found = pgConnStrProblems(value, driver);
  for (const p of found) {
    expect(p).not.toContain(SECRET);
    expect(p).not.toContain(value);
  }
  return found;
}

describe("pgConnStrProblems: strings libpq and both drivers take", () => {
  test.each([
    ["a URL with sslmode", `postgres://team:${SECRET}@db.example.org:5432/state?sslmode=verify-full`],
    ["a postgresql:// URL without port", `postgresql://team:${SECRET}@db.example.org/state`],
    ["a URL with an IPv6 host", `postgres://team:${SECRET}@[2001:db8::1]:5432/state?sslmode=require`],
    ["a URL with a percent-encoded password", `postgres://team:${SECRET}%2F%3F%40%23@db/state`],
    ["a URL with several parameters", `postgres://team:${SECRET}@db/state?sslmode=disable&connect_timeout=10&application_name=egi`],
    ["a URL with a Unix socket host in the query", `postgresql:///state?host=/var/run/postgresql&password=${SECRET}`],
    ["keyword=value pairs", `host=127.0.0.1 port=35432 dbname=egi_state user=u password=${SECRET}`],
    ["keyword=value with spaces around = and a quoted value", `host = db  password = '${SECRET} with \\' quote' sslmode=verify-ca`],
    ["lib/pq's own options", `host=db password=${SECRET} sslinline=true binary_parameters=yes krbspn=x datestyle='ISO, MDY'`],
    ["server settings through options", `host=db password=${SECRET} options='-c search_path=app'`],
    ["client_encoding UTF8", `host=db password=${SECRET} client_encoding=utf-8`],
    ["an empty string of spaces", "   "],
  ])("GIVEN %s WHEN checked for terraform and OpenTofu THEN no problem", (_what, value) => {
    expect(problems(value, "terraform")).toEqual([]);
    expect(problems(value, "tofu")).toEqual([]);
  });
});

describe("pgConnStrProblems: what libpq refuses", () => {
  test.each([
    ["an unknown sslmode in a URL", `postgres://u:${SECRET}@db/s?sslmode=bogus`, "has sslmode with a value libpq does not take; use one of disable, allow, prefer, require, verify-ca, verify-full"],
    ["an unknown sslmode in keyword=value", `host=db password=${SECRET} sslmode=verify_full`, "has sslmode with a value libpq does not take; use one of disable, allow, prefer, require, verify-ca, verify-full"],
    ["an empty sslmode", `host=db password=${SECRET} sslmode=`, "has sslmode with a value libpq does not take"],
    ["an unknown target_session_attrs", `host=db password=${SECRET} target_session_attrs=writable`, "has target_session_attrs with a value libpq does not take; use one of any, read-write, read-only, primary, standby, prefer-standby"],
    ["an unknown gssencmode", `host=db password=${SECRET} gssencmode=on`, "has gssencmode with a value libpq does not take; use one of disable, prefer, require"],
    ["an unknown channel_binding", `host=db password=${SECRET} channel_binding=yes`, "has channel_binding with a value libpq does not take; use one of disable, prefer, require"],
    ["an unknown sslnegotiation", `host=db password=${SECRET} sslnegotiation=tls`, "has sslnegotiation with a value libpq does not take; use one of postgres, direct"],
    ["an unknown load_balance_hosts", `host=db password=${SECRET} load_balance_hosts=yes`, "has load_balance_hosts with a value libpq does not take; use one of disable, random"],
    ["a port that is not a number", `host=db port=fivefourthree password=${SECRET}`, "has a port that is not a number from 1 to 65535"],
    ["a port out of range", `postgres://u:${SECRET}@db:70000/s`, "has a port that is not a number from 1 to 65535"],
    ["port 0", `host=db port=0 password=${SECRET}`, "has a port that is not a number from 1 to 65535"],
    ["a connect_timeout that is not a number", `postgres://u:${SECRET}@db/s?connect_timeout=10s`, "has connect_timeout that is not a whole number"],
    ["a keepalives_idle that is not a number", `host=db keepalives_idle=1.5 password=${SECRET}`, "has keepalives_idle that is not a whole number"],
    ["an unknown keyword", `host=db password=${SECRET} sslmod=require`, 'has option "sslmod", which is not a connection option libpq knows (libpq: invalid connection option)'],
    ["an unknown URL parameter", `postgres://u:${SECRET}@db/s?search_path=app`, 'has option "search_path", which is not a connection option libpq knows'],
    ["an upper-case keyword", `HOST=db password=${SECRET}`, 'has option "HOST", which is not a connection option libpq knows'],
    ["a keyword that is not a word", `host=db password=${SECRET} -x=1`, "has an option name that is not a connection option libpq knows"],
    ["a hostaddr that is not an address", `hostaddr=db.example.org password=${SECRET}`, "has hostaddr that is not a numeric IP address (a host name goes in host)"],
    ["a word without =", SECRET, 'is neither a postgres:// URL nor keyword=value pairs: a word has no "=" after it'],
    ["a password with a space, unquoted", `host=db password=${SECRET} more`, 'a word has no "=" after it (quote a value with spaces'],
    ["a quote left open", `host=db password='${SECRET}`, "has a quoted value without its closing '"],
    ["a bad percent escape", `postgres://u:${SECRET}%zz@db/s`, 'has a "%" not followed by two hex digits: percent-encode "%" itself as %25'],
    ["%00", `postgres://u:${SECRET}%00@db/s`, "has %00, which libpq refuses in a URL"],
    ["an IPv6 host left open", `postgres://u:${SECRET}@[2001:db8::1/s`, 'has an IPv6 host without its closing "]"'],
    ["a URL parameter without =", `postgres://u:${SECRET}@db/s?sslmode`, 'has a URL query parameter without "="'],
    ["a URL parameter with two =", `postgres://u:${SECRET}@db/s?options=-c=x`, 'has a URL query parameter with a second "=": percent-encode it as %3D'],
  ])("GIVEN %s WHEN checked THEN one problem says what and never shows the value", (_what, value, problem) => {
    expect(problems(value, "terraform")).toEqual([expect.stringContaining(problem)]);
    expect(problems(value, "tofu")).toEqual([expect.stringContaining(problem)]);
  });
});

describe("pgConnStrProblems: what libpq takes but the engines' lib/pq refuses", () => {
  test.each<[string, string, PgDriver, string]>([
    ["sslmode=prefer (libpq's default)", `postgres://u:${SECRET}@db/s?sslmode=prefer`, "terraform", `has sslmode=prefer, which libpq takes but ${TF} refuses (it knows disable, require, verify-ca and verify-full); use require or verify-full`],
    ["sslmode=allow", `host=db password=${SECRET} sslmode=allow`, "tofu", `has sslmode=allow, which libpq takes but ${TOFU} refuses`],
    ["keepalives", `host=db password=${SECRET} keepalives=1`, "terraform", `has option "keepalives", which libpq knows but ${TF} does not: it would send it to the server as a setting, and the server refuses the connection; remove it`],
    ["channel_binding", `postgres://u:${SECRET}@db/s?channel_binding=require`, "tofu", `has option "channel_binding", which libpq knows but ${TOFU} does not`],
    ["gssencmode", `host=db password=${SECRET} gssencmode=disable`, "terraform", `has option "gssencmode", which libpq knows but ${TF} does not`],
    ["service", `service=state password=${SECRET}`, "tofu", `has option "service", which libpq knows but ${TOFU} does not`],
    ["target_session_attrs on terraform", `host=db password=${SECRET} target_session_attrs=read-write`, "terraform", `has option "target_session_attrs", which libpq knows but ${TF} does not`],
    ["passfile on terraform", `host=db passfile=/home/u/.pgpass`, "terraform", `has option "passfile", which libpq knows but ${TF} does not`],
    ["several hosts on terraform", `postgres://u:${SECRET}@db1,db2/s`, "terraform", `lists several hosts, which libpq takes but ${TF} cannot; give one host`],
    ["several ports on terraform", `host=db port=5432,5433 password=${SECRET}`, "terraform", `lists several ports, which libpq takes but ${TF} cannot; give one port`],
    ["a port after a host other than the last, on OpenTofu", `postgres://u:${SECRET}@db1:5432,db2/s`, "tofu", `gives a port after a host other than the last, which ${TOFU} cannot read`],
    ["a port with spaces", `host=db port=' 5432' password=${SECRET}`, "terraform", `has a port with a sign or spaces, which ${TF} refuses; write digits only`],
    ["a client_encoding other than UTF8", `host=db client_encoding=LATIN1 password=${SECRET}`, "terraform", `has client_encoding other than UTF8, which ${TF} refuses; remove it or write UTF8`],
    ["ssl=true, libpq's URL shorthand", `postgres://u:${SECRET}@db/s?ssl=true`, "terraform", `has ssl=..., libpq's URL shorthand for sslmode=require, which ${TF} does not know; write sslmode=require`],
    ["binary_parameters=true on terraform", `host=db binary_parameters=true password=${SECRET}`, "terraform", `has binary_parameters that ${TF} does not read as yes or no; write yes or no`],
    ["a datestyle other than lib/pq's", `host=db password=${SECRET} datestyle=German`, "tofu", `has datestyle other than "ISO, MDY", which ${TOFU} refuses; remove it`],
    ["an unencoded space in the password", `postgres://u:${SECRET} x@db/s`, "terraform", "has a character in the URL's user or password that must be percent-encoded"],
    ["an unencoded # in the password", `postgres://u:${SECRET}#x@db/s`, "terraform", 'has a "#", where a URL ends for terraform\'s URL parser: percent-encode it as %23'],
    ["two @ before the host", `postgres://u:${SECRET}@x@db/s`, "terraform", 'has more than one "@" before the host: percent-encode "@" in the user or password as %40'],
    ["an unencoded / in the password", `postgres://u:${SECRET}/x@db/s`, "terraform", "has a port in the URL that is not a number from 1 to 65535"],
    ["a ; in the query", `postgres://u:${SECRET}@db/s?sslmode=require;connect_timeout=5`, "terraform", 'has ";" in the URL\'s query, where terraform\'s URL parser drops the parameter; separate parameters with "&"'],
    ["a + in the query", `postgres://u:${SECRET}@db/s?application_name=a+b`, "terraform", 'has "+" in the URL\'s query'],
  ])("GIVEN %s WHEN checked for %s THEN one problem names the option and the driver", (_what, value, driver, problem) => {
    expect(problems(value, driver)).toEqual([expect.stringContaining(problem)]);
  });

  test.each([
    ["target_session_attrs", `host=db password=${SECRET} target_session_attrs=read-write`],
    ["load_balance_hosts and several hosts", `host=db1,db2 port=5432,5433 load_balance_hosts=random password=${SECRET}`],
    ["hostaddr and sslnegotiation", `host=db hostaddr=192.0.2.10 sslnegotiation=direct sslsni=1 password=${SECRET}`],
    ["several hosts in a URL with one port at the end", `postgres://u:${SECRET}@db1,db2:5432/s`],
  ])("GIVEN %s WHEN checked for OpenTofu (lib/pq 1.11 reads it) THEN no problem", (_what, value) => {
    expect(problems(value, "tofu")).toEqual([]);
    expect(problems(value, "terraform")).not.toEqual([]);
  });

  test("GIVEN several problems WHEN checked THEN each is named once", () => {
    expect(problems(`host=db password=${SECRET} keepalives=1 keepalives=2 sslmode=bogus`)).toEqual([
      `has option "keepalives", which libpq knows but ${TF} does not: it would send it to the server as a setting, and the server refuses the connection; remove it`,
      "has sslmode with a value libpq does not take; use one of disable, allow, prefer, require, verify-ca, verify-full",
    ]);
  });
});

describe("pgDriverFor", () => {
  test.each([
    [{}, "terraform"],
    [{ TERRAFORM_BINARY_NAME: "terraform" }, "terraform"],
    [{ TERRAFORM_BINARY_NAME: "tofu" }, "tofu"],
    [{ TERRAFORM_BINARY_NAME: "/opt/mirror/bin/tofu" }, "tofu"],
  ])("GIVEN %j WHEN the driver is chosen THEN it is %s", (env, driver) => {
    expect(pgDriverFor(env as NodeJS.ProcessEnv)).toBe(driver);
  });
});
