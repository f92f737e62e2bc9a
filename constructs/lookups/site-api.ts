/**
 * The few read-only OpenStack API calls synth-time lookups make with the hook's scoped token:
 * Nova's flavor list (with extra specs), Glance's image list and Neutron's network list. Endpoints come from the token's
 * catalog, public interface, in the site's region when one is given.
 */
import type { SiteToken } from "../../auth/hook";

export interface FlavorInfo {
  readonly id: string;
  readonly name: string;
  readonly vcpus: number;
  /** MB */
  readonly ram: number;
  /** GB */
  readonly disk: number;
  /** From the `Accelerator:Number` extra spec, as fedcloudclient reads it. */
  readonly gpus: number;
  readonly isPublic: boolean;
}

export interface ImageInfo {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
  readonly status: string;
  /** Every other attribute Glance returns, custom properties included. */
  readonly properties: Readonly<Record<string, unknown>>;
}

export interface NetworkInfo {
  readonly id: string;
  readonly name: string;
  /** `router:external`: floating IPs come from it. */
  readonly external: boolean;
  readonly shared: boolean;
  readonly projectId: string;
}

interface CatalogEntry {
  type: string;
  endpoints: Array<{ interface: string; region?: string; region_id?: string; url: string }>;
}

export class SiteApi {
  constructor(private readonly token: SiteToken, private readonly region?: string) {}

  private endpoint(type: string): string {
    const entry = (this.token.session.catalog as CatalogEntry[]).find((e) => e.type === type);
    const endpoint = entry?.endpoints.find(
      (e) => e.interface === "public" && (!this.region || e.region === this.region || e.region_id === this.region),
    );
    if (!endpoint) {
      throw new Error(`the site at ${this.token.session.authUrl} has no public ${type} endpoint${this.region ? ` in region ${this.region}` : ""} in its catalog`);
    }
    return endpoint.url.replace(/\/+$/, "");
  }

  private async get(url: string, headers: Record<string, string> = {}): Promise<any> {
    const res = await this.token.fetch(url, { headers: { "X-Auth-Token": this.token.session.token, Accept: "application/json", ...headers } });
    if (res.status !== 200) throw new Error(`GET ${url.replace(/\?.*/, "")} answered HTTP ${res.status}`);
    return res.json();
  }

  /** Equivalent to `openstack flavor list --long` (extra specs need compute API 2.61). */
  async flavors(): Promise<FlavorInfo[]> {
    const body = await this.get(`${this.endpoint("compute")}/flavors/detail?is_public=None`, { "OpenStack-API-Version": "compute 2.61" });
    return (body.flavors as any[]).map((f) => ({
      id: f.id,
      name: f.name,
      vcpus: f.vcpus,
      ram: f.ram,
      disk: f.disk,
      gpus: Number(f.extra_specs?.["Accelerator:Number"] ?? 0) || 0,
      isPublic: f["os-flavor-access:is_public"] !== false,
    }));
  }

  /** Equivalent to `openstack image list --long` with all properties, newest first. */
  async images(): Promise<ImageInfo[]> {
    // Glance's `next` links start with /v2/; some catalogs register the image URL with /v2 already.
    const base = this.endpoint("image").replace(/\/v2$/, "");
    const out: ImageInfo[] = [];
    for (let next: string | undefined = "/v2/images?limit=500&sort=created_at:desc"; next; ) {
      const body: { images: any[]; next?: string } = await this.get(`${base}${next}`);
      for (const { id, name, created_at, status, ...properties } of body.images) {
        out.push({ id, name, createdAt: created_at, status, properties });
      }
      next = body.next;
    }
    return out;
  }

  /** The project the token is scoped to. */
  get projectId(): string {
    return this.token.session.project.id;
  }

  /** Equivalent to `openstack network list --long`: the networks the project can see. */
  async networks(): Promise<NetworkInfo[]> {
    const body = await this.get(`${this.endpoint("network")}/v2.0/networks`);
    return (body.networks as any[]).map((n) => ({
      id: n.id,
      name: n.name ?? "",
      external: n["router:external"] === true,
      shared: n.shared === true,
      projectId: n.project_id ?? n.tenant_id ?? "",
    }));
  }
}
