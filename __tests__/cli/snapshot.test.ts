/**
 * `egi-cdktf snapshot` without a site: the flags (through main(), so exit codes and one-line errors
 * are the CLI's own), the --wait schedule on a fake clock, and the Nova/Glance calls against a
 * stand-in fetch that answers as Nova 2.93 and Glance answered the local site (bodies, the 2.45
 * image_id body, the pre-2.45 Location header `http://glance//images/<id>`). The real APIs are
 * exercised by __tests__/site/snapshot.site.test.ts.
 */
import { main } from "../../cli/egi-cdktf";
import { createImage, imageIdFromLocation } from "../../cli/snapshot/create-image";
import { imageStatus } from "../../cli/snapshot/image-status";
import { exactNameFilter, resolveServer, type ServerRef } from "../../cli/snapshot/resolve-server";
import { runSnapshot } from "../../cli/snapshot/run-snapshot";
import { type SiteClient, siteClient } from "../../cli/snapshot/site-client";
import { type Clock, waitForImage } from "../../cli/snapshot/wait-for-image";

const SERVER_ID = "ced8984d-c022-4c97-9645-e2f4cc40b2da";
const IMAGE_ID = "83b1382d-1f5b-4d08-8d1b-943049806d52";
const TOKEN = "gAAAAABstandInTokenNeverPrinted0123456789";
const NOVA = "https://nova.example.org:8774/v2.1";
const GLANCE = "https://glance.example.org:9292";

/** A clock that only moves when slept on: every pause is recorded, none is waited. */
function fakeClock(): Clock & { sleeps: number[]; t: number } {
  const clock = {
    t: 0,
    sleeps: [] as number[],
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.t += ms;
    },
  };
  return clock;
}

/** `read` answering `statuses` in turn (the last one forever), each read at the clock's time. */
function reader(statuses: Array<string | undefined>, clock: { t: number }) {
  const at: number[] = [];
  let i = 0;
  const read = async () => {
    at.push(clock.t);
    return statuses[Math.min(i++, statuses.length - 1)];
  };
  return { read, at };
}

type Route = (url: URL, init: RequestInit) => Response | undefined;
interface Call {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** A stand-in fetch: the first route that answers wins; every request is recorded. */
function standIn(...routes: Route[]) {
  const calls: Call[] = [];
  const fetch = async (url: string | URL, init: RequestInit = {}) => {
    const u = new URL(String(url));
    calls.push({ method: init.method ?? "GET", url: u.href, headers: (init.headers ?? {}) as Record<string, string>, body: init.body as string | undefined });
    for (const route of routes) {
      const res = route(u, init);
      if (res) return res;
    }
    return new Response("404 Not Found\n\nThe resource could not be found.\n\n", { status: 404 });
  };
  const client: SiteClient = { fetch, token: async () => TOKEN, compute: NOVA, image: GLANCE, where: "project vo.example (p1) at https://keystone.example.org/v3" };
  return { client, calls };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
const server = (name: string, id = SERVER_ID, status = "ACTIVE") => ({ id, name, status });
const serverList = (...servers: unknown[]): Route => (u) => (u.pathname.endsWith("/servers/detail") ? json({ servers }) : undefined);

describe("waitForImage: backoff and deadline on a fake clock", () => {
  test("GIVEN queued, saving, then active WHEN waiting THEN it reads 4 times with pauses 2 s, 3 s, 4.5 s and reports each new status once", async () => {
    const clock = fakeClock();
    const { read } = reader(["queued", "queued", "saving", "active"], clock);
    const lines: string[] = [];

    const result = await waitForImage(IMAGE_ID, read, { timeoutMs: 600_000, clock, progress: (l) => lines.push(l) });

    expect(result).toEqual({ reads: 4, elapsedMs: 9500 });
    expect(clock.sleeps).toEqual([2000, 3000, 4500]);
    expect(lines).toEqual([`image ${IMAGE_ID} is queued (0 s of 600 s)`, `image ${IMAGE_ID} is saving (5 s of 600 s)`, `image ${IMAGE_ID} is active after 10 s`]);
  });

  test("GIVEN an image that stays queued WHEN waiting 20 s THEN the last pause is cut to end at the deadline, it reads once more there, and fails naming the id, status and --timeout", async () => {
    const clock = fakeClock();
    const { read, at } = reader(["queued"], clock);

    const waiting = waitForImage(IMAGE_ID, read, { timeoutMs: 20_000, clock, context: "snapshot of server web (s1)" });

    await expect(waiting).rejects.toThrow(
      new Error(`image ${IMAGE_ID} (snapshot of server web (s1)) is still queued after 20 s (--timeout 20); it may yet become active: check with openstack image show ${IMAGE_ID}, and give a larger --timeout next time`),
    );
    expect(clock.sleeps).toEqual([2000, 3000, 4500, 6750, 3750]);
    expect(at).toEqual([0, 2000, 5000, 9500, 16250, 20000]);
  });

  test("GIVEN a long wait WHEN the pauses grow THEN none exceeds 15 s and a still-the-same status is reported again every minute", async () => {
    const clock = fakeClock();
    const { read } = reader(["saving"], clock);
    const lines: string[] = [];

    await expect(waitForImage(IMAGE_ID, read, { timeoutMs: 180_000, clock, progress: (l) => lines.push(l) })).rejects.toThrow(/still saving after 180 s \(--timeout 180\)/);

    expect(Math.max(...clock.sleeps)).toBe(15_000);
    expect(clock.sleeps.slice(0, 7)).toEqual([2000, 3000, 4500, 6750, 10125, 15000, 15000]);
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(180_000);
    // the first read a minute or more after the last line: reads fall at 0, 2, 5, 9.5, 16.25, 26.4, 41.4, 56.4, 71.4, ... s
    expect(lines.map((l) => /\((\d+) s of 180 s\)$/.exec(l)?.[1])).toEqual(["0", "71", "131"]);
  });

  test("GIVEN the image turns active during the last pause WHEN the deadline comes THEN the read there counts and the wait succeeds", async () => {
    const clock = fakeClock();
    const { read } = reader(["queued", "queued", "queued", "active"], clock);

    await expect(waitForImage(IMAGE_ID, read, { timeoutMs: 6000, clock })).resolves.toEqual({ reads: 4, elapsedMs: 6000 });
    expect(clock.sleeps).toEqual([2000, 3000, 1000]);
  });

  test.each(["killed", "deleted", "pending_delete", "deactivated"])("GIVEN status %s after queued WHEN waiting THEN it fails at that read, without waiting for the deadline", async (status) => {
    const clock = fakeClock();
    const { read } = reader(["queued", status], clock);

    await expect(waitForImage(IMAGE_ID, read, { timeoutMs: 600_000, clock })).rejects.toThrow(new RegExp(`^image ${IMAGE_ID} is ${status} after 2 s: it will not become active; .*openstack image show ${IMAGE_ID}$`));
    expect(clock.sleeps).toEqual([2000]);
  });

  test("GIVEN Glance no longer has the image WHEN waiting THEN it fails at once: Nova deletes a failed snapshot", async () => {
    const clock = fakeClock();
    const { read } = reader(["saving", undefined], clock);

    await expect(waitForImage(IMAGE_ID, read, { timeoutMs: 600_000, clock })).rejects.toThrow(
      `image ${IMAGE_ID} is gone after 2 s (last status saving): Nova deletes the image when a snapshot fails; see why with openstack server event list SERVER`,
    );
  });
});

describe("resolveServer with a stand-in fetch (Nova's answers as the local site gave them)", () => {
  test("GIVEN Nova's case-insensitive regex filter returns web and Web WHEN resolving web THEN the exact name wins, asked for as an anchored pattern", async () => {
    const { client, calls } = standIn(serverList(server("Web", "other-id"), server("web")));

    await expect(resolveServer(client, "web")).resolves.toEqual({ id: SERVER_ID, name: "web", status: "ACTIVE" });
    expect(calls.map((c) => c.url)).toEqual([`${NOVA}/servers/detail?name=%5Eweb%24`]);
    expect(calls[0].headers["X-Auth-Token"]).toBe(TOKEN);
  });

  test("GIVEN a name with regular-expression characters WHEN resolving THEN each is escaped", () => {
    expect(exactNameFilter("db.1 (test)+[a]")).toBe("^db\\.1 \\(test\\)\\+\\[a\\]$");
  });

  test("GIVEN a server id WHEN resolving THEN Nova is asked for that server only", async () => {
    const { client, calls } = standIn((u) => (u.pathname.endsWith(`/servers/${SERVER_ID}`) ? json({ server: server("web", SERVER_ID, "SHUTOFF") }) : undefined));

    await expect(resolveServer(client, SERVER_ID)).resolves.toEqual({ id: SERVER_ID, name: "web", status: "SHUTOFF" });
    expect(calls).toHaveLength(1);
  });

  test("GIVEN an id-shaped name no server has as id WHEN resolving THEN it falls back to the exact name", async () => {
    const { client, calls } = standIn(serverList(server(SERVER_ID, "real-id")));

    await expect(resolveServer(client, SERVER_ID)).resolves.toMatchObject({ id: "real-id" });
    expect(calls.map((c) => new URL(c.url).pathname)).toEqual(["/v2.1/servers/" + SERVER_ID, "/v2.1/servers/detail"]);
  });

  test("GIVEN no server has the name WHEN resolving THEN one line names the project and what to do", async () => {
    const { client } = standIn(serverList(server("web-2")));

    await expect(resolveServer(client, "web")).rejects.toThrow(
      new Error(`no server named "web" in project vo.example (p1) at https://keystone.example.org/v3; list them with openstack server list (egi-cdktf exec -- openstack server list) and give the id or exact name`),
    );
  });

  test("GIVEN two servers with the name WHEN resolving THEN one line lists both ids and asks for one", async () => {
    const { client } = standIn(serverList(server("web", "id-1"), server("web", "id-2", "SHUTOFF")));

    await expect(resolveServer(client, "web")).rejects.toThrow(/^2 servers are named "web" in project vo\.example .*: id-1 \(ACTIVE\), id-2 \(SHUTOFF\); give the id of the one to snapshot$/);
  });

  test("GIVEN a pasted token as SERVER WHEN nothing matches THEN the message shows its length, not the token", async () => {
    const { client } = standIn(serverList());

    const error = await resolveServer(client, TOKEN).catch((e: Error) => e);

    expect((error as Error).message).toContain(`(${TOKEN.length} characters, not shown in case it is a secret)`);
    expect((error as Error).message).not.toContain(TOKEN);
  });

  test("GIVEN Nova answers 500 WHEN resolving THEN one line carries Nova's own message", async () => {
    const { client } = standIn(() => json({ computeFault: { code: 500, message: "Unexpected API Error." } }, 500));

    await expect(resolveServer(client, "web")).rejects.toThrow(/^Nova answered HTTP 500 to GET \/servers\/detail\?name=\.\.\. at project vo\.example .* \(Nova: Unexpected API Error\.\)$/);
  });
});

describe("createImage and imageStatus with a stand-in fetch", () => {
  const web: ServerRef = { id: SERVER_ID, name: "web", status: "ACTIVE" };
  const action = (answer: (init: RequestInit) => Response): Route => (u, init) => (u.pathname.endsWith(`/servers/${SERVER_ID}/action`) ? answer(init) : undefined);

  test("GIVEN Nova >= 2.45 WHEN creating the image THEN the createImage action is sent at 2.45 and the id read from the body", async () => {
    const { client, calls } = standIn(action(() => json({ image_id: IMAGE_ID }, 202)));

    await expect(createImage(client, web, "my-snap")).resolves.toBe(IMAGE_ID);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ method: "POST", body: JSON.stringify({ createImage: { name: "my-snap" } }) });
    expect(calls[0].headers["OpenStack-API-Version"]).toBe("compute 2.45");
  });

  test("GIVEN a Nova older than 2.45 (406) WHEN creating the image THEN it asks again at 2.1 and reads the id from the Location header", async () => {
    const { client, calls } = standIn(
      action((init) =>
        (init.headers as Record<string, string>)["OpenStack-API-Version"] === "compute 2.45"
          ? json({ computeFault: { message: "Version 2.45 is not supported by the API." } }, 406)
          : new Response(null, { status: 202, headers: { Location: `http://127.0.0.1:9292//images/${IMAGE_ID}` } }),
      ),
    );

    await expect(createImage(client, web, "my-snap")).resolves.toBe(IMAGE_ID);
    expect(calls.map((c) => c.headers["OpenStack-API-Version"])).toEqual(["compute 2.45", "compute 2.1"]);
  });

  test("GIVEN Location forms WHEN read THEN the id is the last path segment", () => {
    expect(imageIdFromLocation(`http://127.0.0.1:9292//images/${IMAGE_ID}`)).toBe(IMAGE_ID);
    expect(imageIdFromLocation(`https://glance/v2/images/${IMAGE_ID}/`)).toBe(IMAGE_ID);
    expect(imageIdFromLocation(null)).toBeUndefined();
  });

  test("GIVEN the server is busy (409) WHEN creating the image THEN one line with Nova's reason and what to do", async () => {
    const message = "Cannot 'createImage' instance ced8984d while it is in task_state image_snapshot";
    const { client } = standIn(action(() => json({ conflictingRequest: { code: 409, message } }, 409)));

    await expect(createImage(client, web, "my-snap")).rejects.toThrow(
      new Error(`Nova refused to snapshot server web (${SERVER_ID}, ACTIVE) at project vo.example (p1) at https://keystone.example.org/v3: HTTP 409 (Nova: ${message}); wait until its current task ends (openstack server show) and run again`),
    );
  });

  test("GIVEN Glance's answers WHEN reading the status THEN 200 gives the status, 404 undefined, and a plain-text 403 one line", async () => {
    const { client } = standIn((u) =>
      u.pathname === `/v2/images/${IMAGE_ID}` ? json({ id: IMAGE_ID, status: "queued" }) : u.pathname === "/v2/images/forbidden" ? new Response("403 Forbidden\n\nAccess was denied to this resource.\n\n   ", { status: 403 }) : undefined,
    );

    await expect(imageStatus(client, IMAGE_ID)).resolves.toBe("queued");
    await expect(imageStatus(client, "gone")).resolves.toBeUndefined();
    await expect(imageStatus(client, "forbidden")).rejects.toThrow(/^Glance answered HTTP 403 to GET \/v2\/images\/forbidden at project .* \(Glance: Access was denied to this resource\.\)$/);
  });
});

describe("siteClient: endpoints from the token's catalog; a refused connection through a stand-in fetch", () => {
  const endpoints = (region: string, url: string) => [
    { interface: "internal", region, url: `${url}/internal` },
    { interface: "public", region, url },
  ];
  const session = {
    token: TOKEN,
    authUrl: "https://keystone.example.org/v3",
    project: { id: "p1", name: "vo.example" },
    catalog: [
      { type: "image", endpoints: [...endpoints("B", "https://glance.b/v2"), ...endpoints("A", "https://glance.a/")] },
      { type: "compute", endpoints: [...endpoints("A", "https://nova.a/v2.1/"), ...endpoints("B", "https://nova.b/v2.1")] },
    ],
  };
  const fetch = async () => new Response("");

  test("GIVEN two regions WHEN no region is set THEN Nova and Glance both come from the first compute endpoint's region", () => {
    expect(siteClient(session, fetch)).toMatchObject({ compute: "https://nova.a/v2.1", image: "https://glance.a" });
  });

  test("GIVEN two regions WHEN region B is set THEN both come from B, Glance without its /v2", () => {
    expect(siteClient(session, fetch, "B")).toMatchObject({ compute: "https://nova.b/v2.1", image: "https://glance.b" });
  });

  test("GIVEN a region the catalog lacks WHEN building the client THEN one line names --region", () => {
    expect(() => siteClient(session, fetch, "C")).toThrow(
      new Error("the site at https://keystone.example.org/v3 has no public compute endpoint in region C (--region / OS_REGION_NAME) in its catalog; ask the site which region to use"),
    );
  });

  test("GIVEN Nova refuses connections WHEN a call is made THEN one line names Nova and the host, not the token", async () => {
    const refused = Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) });
    const client = siteClient(session, async () => Promise.reject(refused));

    await expect(resolveServer(client, "web")).rejects.toThrow(/^cannot reach Nova at nova\.a: ECONNREFUSED$/);
  });
});

describe("runSnapshot with a stand-in fetch: what reaches stdout and stderr", () => {
  function site(statuses: string[]) {
    let i = 0;
    return standIn(
      serverList(server("web")),
      (u) => (u.pathname.endsWith("/action") ? json({ image_id: IMAGE_ID }, 202) : undefined),
      (u) => (u.pathname === `/v2/images/${IMAGE_ID}` ? json({ id: IMAGE_ID, status: statuses[Math.min(i++, statuses.length - 1)] }) : undefined),
    );
  }
  const capture = () => {
    const out = { stdout: "", stderr: "" };
    return { out, io: { stdout: (t: string) => (out.stdout += t), stderr: (t: string) => (out.stderr += t) } };
  };

  test("GIVEN no --wait WHEN the snapshot is requested THEN stdout is only the image id and Glance is not asked", async () => {
    const { client, calls } = site(["queued"]);
    const { out, io } = capture();

    await runSnapshot(client, { server: "web", name: "my-snap", wait: false, timeoutMs: 600_000 }, io);

    expect(out.stdout).toBe(`${IMAGE_ID}\n`);
    expect(out.stderr).toMatch(/^snapshot: server web \(ced8984d-.*, ACTIVE\): Nova is making image 83b1382d-.*\nsnapshot: not waiting: /);
    expect(calls.some((c) => c.url.startsWith(GLANCE))).toBe(false);
  });

  test("GIVEN --wait WHEN Glance goes queued -> saving -> active THEN the id is printed once, after active, and progress only on stderr", async () => {
    const { client } = site(["queued", "saving", "active"]);
    const events: string[] = [];

    await runSnapshot(client, { server: "web", name: "my-snap", wait: true, timeoutMs: 600_000 }, { stdout: (t) => events.push(`stdout ${t}`), stderr: (t) => events.push(`stderr ${t}`) }, { clock: fakeClock() });

    expect(events.map((l) => l.replace(/ \(.*$| after .*$/s, ""))).toEqual([
      "stderr snapshot: server web",
      `stderr snapshot: image ${IMAGE_ID} is queued`,
      `stderr snapshot: image ${IMAGE_ID} is saving`,
      `stderr snapshot: image ${IMAGE_ID} is active`,
      `stdout ${IMAGE_ID}\n`,
    ]);
  });

  test("GIVEN --wait and an image that stays queued WHEN the timeout passes THEN nothing is printed on stdout and the error names id, status and --timeout", async () => {
    const { client } = site(["queued"]);
    const { out, io } = capture();

    const run = runSnapshot(client, { server: "web", name: "my-snap", wait: true, timeoutMs: 5000 }, io, { clock: fakeClock() });

    await expect(run).rejects.toThrow(new RegExp(`^image ${IMAGE_ID} \\(snapshot of server web \\(${SERVER_ID}\\)\\) is still queued after 5 s \\(--timeout 5\\)`));
    expect(out.stdout).toBe("");
  });
});

describe("egi-cdktf snapshot through main(): usage and settings errors", () => {
  async function run(args: string[], env: Record<string, string> = {}) {
    let stdout = "";
    let stderr = "";
    const status = await main(["snapshot", ...args], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env });
    return { status, stdout, stderr };
  }

  // An empty environment: a usage error must come before any setting is read (else exit 1, OS_AUTH_URL).
  test.each`
    given                          | args                                                   | message
    ${"no SERVER"}                 | ${["--name", "n"]}                                     | ${"name the server to snapshot: egi-cdktf snapshot SERVER --name NAME (SERVER: its id or exact name)"}
    ${"two SERVERs"}               | ${["a", "b", "--name", "n"]}                           | ${'one SERVER at a time; unexpected argument "b"'}
    ${"no --name"}                 | ${["web"]}                                             | ${"--name is required: the new image's name, e.g. --name my-snapshot-2026 (MachineImage.fromName finds it by that name)"}
    ${"an empty --name"}           | ${["web", "--name", " "]}                              | ${"--name is empty; give the new image's name, e.g. --name my-snapshot-2026"}
    ${"a --name with spaces"}      | ${["web", "--name", "snap "]}                          | ${"--name starts or ends with a space, which Nova refuses; drop the spaces"}
    ${"a 256-character --name"}    | ${["web", "--name", "x".repeat(256)]}                  | ${"--name is 256 characters; Glance allows at most 255"}
    ${"--timeout without --wait"}  | ${["web", "--name", "n", "--timeout", "5"]}            | ${"--timeout applies only with --wait; add --wait, or drop --timeout"}
    ${"a word as --timeout"}       | ${["web", "--name", "n", "--wait", "--timeout", "ten"]} | ${'--timeout "ten" must be a number of seconds above 0 and at most 86400, e.g. --timeout 600'}
    ${"--timeout 0"}               | ${["web", "--name", "n", "--wait", "--timeout", "0"]}  | ${'--timeout "0" must be a number of seconds above 0 and at most 86400, e.g. --timeout 600'}
    ${"--timeout in milliseconds"} | ${["web", "--name", "n", "--wait", "--timeout", "600000"]} | ${'--timeout "600000" must be a number of seconds above 0 and at most 86400, e.g. --timeout 600'}
    ${"an empty --region"}         | ${["web", "--name", "n", "--region", ""]}              | ${"--region is empty; give a region name such as RegionOne, or drop --region"}
    ${"an unknown flag"}           | ${["web", "--name", "n", "--wait-for", "x"]}           | ${"Unknown option '--wait-for'"}
    ${"a token as a flag"}         | ${["web", "--name", "n", "--os-token", TOKEN]}         | ${"--os-token is refused: a secret on the command line is visible to every user of this machine (ps); set CHECKIN_REFRESH_TOKEN (or CHECKIN_ACCESS_TOKEN) in the environment instead"}
  `("GIVEN $given WHEN snapshot runs THEN exit 2 and one line naming the flag", async ({ args, message }) => {
    const r = await run(args);

    expect(r).toEqual({ status: 2, stdout: "", stderr: `egi-cdktf: ${message} (see egi-cdktf snapshot --help)\n` });
    expect(r.stderr).not.toContain(TOKEN);
  });

  test("GIVEN valid flags but no OS_AUTH_URL WHEN snapshot runs THEN exit 2 (a missing setting) with one line naming OS_AUTH_URL, and nothing on stdout", async () => {
    const r = await run(["web", "--name", "n", "--wait"], { CHECKIN_ACCESS_TOKEN: TOKEN });

    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^egi-cdktf: OS_AUTH_URL is not set; [^\n]*\n$/);
    expect(r.stderr).not.toContain(TOKEN);
  });

  test("GIVEN --help WHEN snapshot runs THEN the usage names the openstack command it replaces and every flag", async () => {
    const r = await run(["--help"]);

    expect(r.status).toBe(0);
    expect(r.stdout).toContain("openstack server image create --name NAME SERVER");
    for (const flag of ["--name NAME", "--wait", "--timeout SECONDS", "--region REGION", "[default 600]"]) expect(r.stdout).toContain(flag);
  });
});
