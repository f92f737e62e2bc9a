/**
 * A SiteToken for synth-time lookups that answers Nova's flavor list and Glance's image list from
 * memory, and records the URLs asked for (no network, no Keystone).
 */
import type { SiteToken } from "../../auth/hook";

export interface FakeFlavor {
  readonly id: string;
  readonly name: string;
  readonly vcpus: number;
  readonly ram: number;
  readonly disk: number;
}

export function fakeSiteToken(flavors: FakeFlavor[], images: object[] = []): { readonly token: SiteToken; readonly calls: string[] } {
  const calls: string[] = [];
  const fetch = async (url: string | URL): Promise<Response> => {
    const text = String(url);
    calls.push(text);
    if (text.includes("/flavors/detail")) return new Response(JSON.stringify({ flavors }), { status: 200 });
    if (text.includes("/v2/images")) return new Response(JSON.stringify({ images }), { status: 200 });
    return new Response("{}", { status: 404 });
  };
  const session = {
    token: "fake-token",
    authUrl: "https://k.example.org:5000/v3",
    catalog: [
      { type: "compute", endpoints: [{ interface: "public", url: "https://nova.example.org/v2.1" }] },
      { type: "image", endpoints: [{ interface: "public", url: "https://glance.example.org" }] },
    ],
  };
  return { token: { session, fetch } as unknown as SiteToken, calls };
}
