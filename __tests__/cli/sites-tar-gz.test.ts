/**
 * cli/sites/tar-gz.ts (node-tar) on archives written by the system's GNU tar (gnu, ustar and pax
 * formats, long path names) and by `git archive` (GitHub's archive/refs/heads/main.tar.gz is one),
 * damaged ones, and ones with paths leaving the archive; no network.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { tarGzFiles } from "../../cli/sites/tar-gz";

/** A directory under the run's temp root (removed at the end of the run). */
const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), "tar-gz-"));

/** `files` (relative path -> content) written under a fresh directory; returns it. */
function tree(files: Record<string, string | Buffer>): string {
  const dir = tempDir();
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

/** `tar <args> -czf out.tgz <top>` run in `dir` with the system tar; the archive's bytes. */
function systemTar(dir: string, top: string, args: string[]): Buffer {
  const out = path.join(tempDir(), "archive.tgz");
  execFileSync("tar", [...args, "-czf", out, top], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  return fs.readFileSync(out);
}

/** What `tar tzf` says the archive holds (regular files only: lines not ending in /). */
function listedBySystemTar(archive: Buffer): string[] {
  const file = path.join(tempDir(), "list.tgz");
  fs.writeFileSync(file, archive);
  return execFileSync("tar", ["tzf", file], { encoding: "utf8" })
    .split("\n")
    .filter((l) => l && !l.endsWith("/"))
    .sort();
}

const asText = (files: ReturnType<typeof tarGzFiles>): Record<string, string> => Object.fromEntries(files.map((f) => [f.path, f.data.toString("utf8")]));

const LONG_DIR = `${"d".repeat(60)}/${"e".repeat(60)}`; // 121 characters: more than ustar's 100-byte name
const VERY_LONG_DIR = `${"f".repeat(90)}/${"g".repeat(90)}/${"h".repeat(90)}`; // 272: more than ustar's 155 + 100
const IFCA = "gocdb: IFCA-LCG2\nendpoint: https://api.cloud.ifca.es:5000/v3/\nvos:\n- name: dteam\n  auth:\n    project_id: 5eb8959a799240a98f4f303f5fbd80be\n";
const BIG = `${"# padding line of a large site file\n".repeat(40)}gocdb: BIG\n`; // > 1 KiB: several 512-byte blocks

const REPO: Record<string, string> = {
  "repo-main/README.md": "# fedcloud-catchall-operations\n",
  "repo-main/sites/IFCA-LCG2.yaml": IFCA,
  "repo-main/sites/EMPTY.yaml": "",
  "repo-main/sites/BIG.yaml": BIG,
  [`repo-main/${LONG_DIR}/sites/LONG-NAMED-SITE-WITH-A-NAME-PAST-THE-USTAR-LIMIT.yaml`]: "gocdb: LONG\n",
};

describe("tarGzFiles on archives of the system tar", () => {
  test.each`
    format      | why
    ${"gnu"}    | ${"GNU tar's default: ././@LongLink (L) entries for long names"}
    ${"oldgnu"} | ${"GNU tar's older format"}
    ${"ustar"}  | ${"POSIX ustar: long names split into prefix and name"}
    ${"pax"}    | ${"POSIX pax: long names in an extended header (x)"}
  `("GIVEN a $format archive ($why) WHEN read THEN every regular file with its full path and exact content", ({ format }) => {
    const archive = systemTar(tree(REPO), "repo-main", [`--format=${format}`]);

    const files = tarGzFiles(archive, () => true);

    expect(asText(files)).toEqual(REPO);
    expect(files.map((f) => f.path).sort()).toEqual(listedBySystemTar(archive));
  });

  test.each(["gnu", "pax"])("GIVEN a %s archive with a path of more than 255 characters WHEN read THEN the whole path", (format) => {
    const rel = `repo-main/${VERY_LONG_DIR}/sites/VERY-LONG.yaml`;
    const archive = systemTar(tree({ [rel]: "gocdb: VERY-LONG\n", "repo-main/sites/SHORT.yaml": "gocdb: SHORT\n" }), "repo-main", [`--format=${format}`]);

    const files = tarGzFiles(archive, () => true);

    expect(rel.length).toBeGreaterThan(255);
    expect(asText(files)).toEqual({ [rel]: "gocdb: VERY-LONG\n", "repo-main/sites/SHORT.yaml": "gocdb: SHORT\n" });
  });

  test("GIVEN a pax archive with a non-ASCII file name WHEN read THEN the UTF-8 name", () => {
    const archive = systemTar(tree({ "repo-main/sites/ÚFAL-CLOUD.yaml": "gocdb: UFAL\n" }), "repo-main", ["--format=pax"]);

    expect(tarGzFiles(archive, () => true).map((f) => f.path)).toEqual(["repo-main/sites/ÚFAL-CLOUD.yaml"]);
  });

  test("GIVEN a GNU incremental archive (tar -G: access and change times where ustar has its prefix) WHEN read THEN the names carry no timestamp", () => {
    const archive = systemTar(tree({ "repo-main/sites/A.yaml": "gocdb: A\n", "repo-main/sites/B.yaml": "gocdb: B\n" }), "repo-main", ["--format=gnu", "-G"]);

    const files = tarGzFiles(archive, () => true);

    expect(files.map((f) => f.path).sort()).toEqual(["repo-main/sites/A.yaml", "repo-main/sites/B.yaml"]);
  });

  test("GIVEN `wanted` WHEN read THEN only the files it accepts, and never a directory", () => {
    const archive = systemTar(tree(REPO), "repo-main", ["--format=pax"]);
    const asked: string[] = [];

    const files = tarGzFiles(archive, (p) => {
      asked.push(p);
      return /(?:^|\/)sites\/[^/]+\.ya?ml$/.test(p);
    });

    expect(files.map((f) => f.path).sort()).toEqual(Object.keys(REPO).filter((p) => p.includes("/sites/")).sort());
    expect(asked.some((p) => p.endsWith("/"))).toBe(false);
    expect(asked).toContain("repo-main/README.md");
  });
});

describe("tarGzFiles on a git archive (what GitHub serves)", () => {
  test("GIVEN `git archive --prefix=repo-main/` of a commit (pax global header with the commit id) WHEN read THEN the files under repo-main/", () => {
    const repo = tree({ "README.md": "# x\n", "sites/IFCA-LCG2.yaml": IFCA, [`${VERY_LONG_DIR}/sites/DEEP.yaml`]: "gocdb: DEEP\n" });
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", ...args], {
        cwd: repo,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", HOME: repo },
      });
    git("init", "-q");
    git("add", ".");
    git("commit", "-q", "-m", "sites");
    const archive = git("archive", "--format=tar.gz", "--prefix=repo-main/", "HEAD");

    const files = tarGzFiles(archive, () => true);

    expect(asText(files)).toEqual({
      "repo-main/README.md": "# x\n",
      "repo-main/sites/IFCA-LCG2.yaml": IFCA,
      [`repo-main/${VERY_LONG_DIR}/sites/DEEP.yaml`]: "gocdb: DEEP\n",
    });
  });
});

describe("tarGzFiles on what is not a gzipped tar", () => {
  test("GIVEN bytes that are not gzip WHEN read THEN it throws", () => {
    expect(() => tarGzFiles(Buffer.from("gocdb: X\n"), () => true)).toThrow();
  });

  test("GIVEN a gzip archive cut short WHEN read THEN it throws", () => {
    const archive = systemTar(tree(REPO), "repo-main", ["--format=pax"]);

    expect(() => tarGzFiles(archive.subarray(0, Math.floor(archive.length / 2)), () => true)).toThrow();
  });

  test("GIVEN a gzipped empty tar (only the end blocks) WHEN read THEN no file", () => {
    expect(tarGzFiles(gzipSync(Buffer.alloc(1024)), () => true)).toEqual([]);
  });

  test("GIVEN a header whose size field is not octal (so its checksum fails) WHEN read THEN it throws, one line", () => {
    const header = Buffer.alloc(512);
    header.write("repo-main/sites/X.yaml", 0);
    header.write("zzzzzzzzzzz", 124);
    header.write("0", 156);

    expect(() => tarGzFiles(gzipSync(Buffer.concat([header, Buffer.alloc(1024)])), () => true)).toThrow(/^TAR_ENTRY_INVALID: checksum failure$/);
  });
});

describe("tarGzFiles on paths that leave the archive", () => {
  /** `tar -P` (keep names as given) of `names` run in `cwd`: absolute and `..` names stay in the archive. */
  function verbatimTar(cwd: string, names: string[]): Buffer {
    const out = path.join(tempDir(), "evil.tgz");
    execFileSync("tar", ["-P", "--format=pax", "-czf", out, ...names], { cwd, stdio: ["ignore", "ignore", "pipe"] });
    return fs.readFileSync(out);
  }

  test.each`
    given                         | name
    ${"a .. path"}                | ${"../outside/sites/EVIL.yaml"}
    ${"a .. in the middle"}       | ${"repo-main/sites/../../EVIL.yaml"}
  `("GIVEN an archive with $given WHEN read THEN the whole archive is refused, one line naming the path", ({ name }) => {
    const root = tree({ "work/repo-main/sites/OK.yaml": "gocdb: OK\n", "outside/sites/EVIL.yaml": "gocdb: EVIL\n", "work/EVIL.yaml": "gocdb: EVIL\n" });
    const archive = verbatimTar(path.join(root, "work"), ["repo-main/sites/OK.yaml", name]);

    expect(listedBySystemTar(archive)).toContain(name);
    expect(() => tarGzFiles(archive, () => true)).toThrow(`the archive holds ${JSON.stringify(name)}, a path outside it; refused`);
  });

  test("GIVEN an archive with an absolute path WHEN read THEN the whole archive is refused", () => {
    const root = tree({ "repo-main/sites/OK.yaml": "gocdb: OK\n" });
    const absolute = path.join(root, "repo-main", "sites", "OK.yaml");
    const archive = verbatimTar(root, ["repo-main/sites/OK.yaml", absolute]);

    expect(() => tarGzFiles(archive, () => true)).toThrow(`the archive holds ${JSON.stringify(absolute)}, a path outside it; refused`);
  });
});
