/**
 * Pagination's guard, with a stand-in fetch (injected as forgeFromEnv allows): the token goes to the
 * API's own origin only, so a next-page link elsewhere is not followed; and a server that always
 * says "next" does not make the list loop forever.
 */
import { forgeFromEnv } from "../../../cli/forge/forge";
import { MAX_PAGES } from "../../../cli/forge/rest";

const TOKEN = "ghs_Pages9x2Lm9PzR4tV8wK1nB6cY3dF5hJ0sA2e";
const API = "https://ghe.example/api/v3";

/** A stand-in fetch: every comments page holds one comment and links to `next(page)`; it records what it was asked. */
function standInFetch(next: (page: number) => string) {
  const asked: Array<{ url: string; auth: string | null }> = [];
  const fetch = async (url: string | URL, init?: RequestInit): Promise<Response> => {
    const u = new URL(String(url));
    asked.push({ url: u.href, auth: new Headers(init?.headers).get("authorization") });
    if (u.pathname.endsWith("/user")) return new Response(JSON.stringify({ message: "Resource not accessible by integration" }), { status: 403 });
    const page = Number(u.searchParams.get("page") ?? 1);
    const body = [{ id: page, body: `comment ${page}`, user: { login: "someone", id: 1, type: "User" } }];
    return new Response(JSON.stringify(body), { status: 200, headers: { link: `<${next(page)}>; rel="next"` } });
  };
  return { fetch, asked };
}

const env = { GITHUB_ACTIONS: "true", GITHUB_API_URL: API, GITHUB_REPOSITORY: "egi-demo/infra", GITHUB_TOKEN: TOKEN };

describe("forge pagination (stand-in fetch)", () => {
  test("GIVEN page 1 linking its next page to another origin WHEN the comments are listed THEN that link is not followed: the token went to GITHUB_API_URL's origin only", async () => {
    const { fetch, asked } = standInFetch(() => "https://elsewhere.example/api/v3/repos/egi-demo/infra/issues/1/comments?page=2");

    const comments = await forgeFromEnv(env, { fetch }).listComments(1);

    expect(comments.map((c) => c.body)).toEqual(["comment 1"]);
    expect(asked.map((a) => new URL(a.url).origin)).toEqual(["https://ghe.example"]);
    expect(asked[0].auth).toBe(`Bearer ${TOKEN}`);
  });

  test("GIVEN a server whose every page links to a next one WHEN the comments are listed THEN it stops after MAX_PAGES pages", async () => {
    const { fetch, asked } = standInFetch((page) => `${API}/repos/egi-demo/infra/issues/1/comments?per_page=100&page=${page + 1}`);

    const comments = await forgeFromEnv(env, { fetch }).listComments(1);

    expect(MAX_PAGES).toBeGreaterThanOrEqual(100);
    expect(asked).toHaveLength(MAX_PAGES);
    expect(comments).toHaveLength(MAX_PAGES);
  });
});
