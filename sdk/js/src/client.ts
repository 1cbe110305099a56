// `MarketplaceClient`: fetch, credentials (API key or OAuth bearer with
// refresh), retries, timeouts and paging over the generated namespaces.
import { MarketplaceConnectionError, MarketplaceError, MarketplaceTimeoutError } from "./errors.js";
import { createNamespaces, OPERATIONS, type Namespaces } from "./generated/operations.js";
import {
  build,
  errorFrom,
  nextLink,
  parse,
  retryWait,
  type Operation,
  type RequestSpec,
  type Transport,
} from "./transport.js";
import { VERSION } from "./version.js";

export interface TokenReply {
  access_token: string;
  refresh_token?: string;
  expires_in?: number;
  [key: string]: unknown;
}

export interface ClientOptions {
  /** Sent as `X-API-Key`. */
  apiKey?: string;
  /** An OAuth access token, sent as `Authorization: Bearer`. */
  accessToken?: string;
  /** With `clientId` (and `clientSecret`): an expired bearer is refreshed and the request sent again. */
  refreshToken?: string;
  /** With `clientSecret` alone: tokens come from the client-credentials grant. */
  clientId?: string;
  clientSecret?: string;
  /** Called with every token grant (refresh tokens rotate: keep the newest). */
  onToken?: (reply: TokenReply) => void;
  /** Default `$ATOM_SAAS_BASE_URL`, else `http://127.0.0.1:3000`. */
  baseUrl?: string;
  /** Per request, in milliseconds (default 30000). */
  timeout?: number;
  /** Retries of a 429 RATE_LIMIT_EXCEEDED or a 503 (default 3). */
  maxRetries?: number;
  /** The most all retries of one call may wait, in milliseconds (default 90000). */
  maxTotalWait?: number;
  /** A peer instance's key, sent as `X-Federation-Key` (the `federation` routes). */
  federationKey?: string;
  /** Put before the SDK's own user agent. */
  userAgent?: string;
  /** Another fetch (default: the global one). */
  fetch?: typeof fetch;
}

export const DEFAULT_BASE_URL = "http://127.0.0.1:3000";
const EXPIRY_MARGIN_MS = 30_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface MarketplaceClient extends Namespaces {}

/**
 * The marketplace API, one method per route, grouped by marketplace;
 * arguments are one object in camelCase, sent as the wire's snake_case.
 *
 *     const client = new MarketplaceClient({ apiKey: 'sk-your-key' });
 *     const skills = await client.skills.browse({ category: 'productivity', limit: 10 });
 */
export class MarketplaceClient implements Transport {
  readonly baseUrl: string;
  readonly timeout: number;
  readonly maxRetries: number;
  readonly maxTotalWait: number;
  readonly userAgent: string;
  private apiKey?: string;
  private token?: string;
  private refresh?: string;
  private expiresAt: number | null = null;
  private readonly options: ClientOptions;
  private readonly fetchImpl: typeof fetch;

  constructor(options: ClientOptions = {}) {
    this.options = options;
    // Unset, the base URL is $ATOM_SAAS_BASE_URL (on Node), else the local default.
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    this.baseUrl = (options.baseUrl ?? env?.ATOM_SAAS_BASE_URL ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
    this.timeout = options.timeout ?? 30_000;
    this.maxRetries = options.maxRetries ?? 3;
    this.maxTotalWait = options.maxTotalWait ?? 90_000;
    const own = `atom-saas-js/${VERSION} (node/${(globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node ?? "unknown"})`;
    this.userAgent = options.userAgent ? `${options.userAgent} ${own}` : own;
    this.apiKey = options.apiKey;
    this.token = options.accessToken;
    this.refresh = options.refreshToken;
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    Object.assign(this, createNamespaces(this));
  }

  /** The current access token (after a refresh, the new one). */
  get accessToken(): string | undefined {
    return this.token;
  }

  /** The current refresh token (they rotate at every refresh). */
  get refreshToken(): string | undefined {
    return this.refresh;
  }

  private get canRefresh(): boolean {
    return !!this.options.clientId && (!!this.refresh || !!this.options.clientSecret);
  }

  private needsToken(): boolean {
    if (!this.canRefresh || (this.apiKey && !this.token)) return false;
    if (!this.token) return true;
    return this.expiresAt !== null && Date.now() > this.expiresAt - EXPIRY_MARGIN_MS;
  }

  /** Runs one operation of the route table (what every namespace method calls). */
  call(op: Operation, args: Record<string, unknown>): Promise<unknown> {
    return this.send(op, build(op, args ?? {}, this.baseUrl));
  }

  private async send(op: Operation, spec: RequestSpec): Promise<unknown> {
    let attempt = 0;
    let waited = 0;
    let refreshed = false;
    for (;;) {
      if (this.needsToken() && op.id !== "post_oauth_token") {
        await this.takeToken();
        refreshed = true;
      }
      const res = await this.once(spec, true);
      const text = await res.text();
      if (res.status < 400) return parse(res.status, res.headers, text);
      const err = errorFrom(res.status, res.headers, text);
      if (res.status === 401 && this.token && this.canRefresh && !refreshed) {
        await this.takeToken();
        refreshed = true;
        continue;
      }
      const wait = retryWait(err, attempt, waited, this.maxRetries, this.maxTotalWait / 1000);
      if (wait === null) throw err;
      await sleep(wait * 1000);
      attempt += 1;
      waited += wait;
    }
  }

  private async once(spec: RequestSpec, authenticate: boolean): Promise<Response> {
    const headers: Record<string, string> = { Accept: "application/json", "User-Agent": this.userAgent };
    if (spec.contentType) headers["Content-Type"] = spec.contentType;
    if (authenticate) {
      if (this.options.federationKey) headers["X-Federation-Key"] = this.options.federationKey;
      if (this.token) headers.Authorization = `Bearer ${this.token}`;
      else if (this.apiKey) headers["X-API-Key"] = this.apiKey;
    }
    try {
      return await this.fetchImpl(spec.url, {
        method: spec.method,
        headers,
        body: spec.body,
        signal: AbortSignal.timeout(this.timeout),
      });
    } catch (e) {
      const name = (e as { name?: string })?.name;
      if (name === "TimeoutError" || name === "AbortError") {
        throw new MarketplaceTimeoutError({ status: null, code: "TIMEOUT", message: `no answer within ${this.timeout} ms` });
      }
      throw new MarketplaceConnectionError({
        status: null,
        code: "CONNECTION_ERROR",
        message: `cannot reach ${this.baseUrl}: ${(e as Error)?.message ?? e}`,
      });
    }
  }

  private async takeToken(): Promise<void> {
    const form = new URLSearchParams({ client_id: this.options.clientId ?? "" });
    if (this.options.clientSecret) form.set("client_secret", this.options.clientSecret);
    if (this.refresh) {
      form.set("grant_type", "refresh_token");
      form.set("refresh_token", this.refresh);
    } else {
      form.set("grant_type", "client_credentials");
    }
    const spec: RequestSpec = {
      method: "POST",
      url: this.baseUrl + OPERATIONS.post_oauth_token.path,
      body: form.toString(),
      contentType: "application/x-www-form-urlencoded",
    };
    const res = await this.once(spec, false);
    const text = await res.text();
    if (res.status >= 400) throw errorFrom(res.status, res.headers, text);
    const reply = JSON.parse(text) as TokenReply;
    this.token = reply.access_token;
    if (reply.refresh_token) this.refresh = reply.refresh_token;
    this.expiresAt = typeof reply.expires_in === "number" ? Date.now() + reply.expires_in * 1000 : null;
    this.options.onToken?.(reply);
  }

  /**
   * Every item of a listing route, page after page:
   * `for await (const s of client.iterAll(client.public.browse, { category: 'productivity' }))`.
   * Follows the `Link: rel="next"` cursor where the server sends one, else
   * `offset` while `has_more`, else while pages are full.
   */
  async *iterAll<A extends object, R>(
    method: (args: A) => Promise<R>,
    args?: A,
  ): AsyncGenerator<ItemOf<R>, void, undefined> {
    const id = (method as unknown as { operationId?: string }).operationId;
    const op = id ? OPERATIONS[id] : undefined;
    if (!op) throw new TypeError("iterAll takes a client method, e.g. client.public.browse");
    let current: Record<string, unknown> = { ...((args ?? {}) as Record<string, unknown>) };
    let page = (await this.call(op, current)) as Record<string, unknown> & { response?: { headers: Headers } };
    let first: number | null = null;
    for (;;) {
      const items = (Array.isArray(page) ? page : op.items ? (page[op.items] as unknown[]) ?? [] : []) as ItemOf<R>[];
      first ??= items.length;
      yield* items;
      const link = page.response ? nextLink(page.response.headers) : null;
      if (link) {
        // The caller's filters the link does not repeat are kept (a cursor
        // continues the same search; a link that dropped them would page
        // through the whole catalog).
        const url = new URL(link, this.baseUrl + "/");
        const first = new URL(build(op, current, this.baseUrl).url);
        for (const [k, v] of first.searchParams) {
          if (k !== "offset" && k !== "cursor" && !url.searchParams.has(k)) url.searchParams.set(k, v);
        }
        page = (await this.send(op, { method: "GET", url: url.toString() })) as typeof page;
        continue;
      }
      // A feed that names its next position in the body (`next_cursor`).
      const cursorParam = op.params.find(([, wire, loc]) => wire === "cursor" && loc === "query");
      if (cursorParam && typeof page.next_cursor === "string" && page.next_cursor) {
        if (page.has_more !== true || items.length === 0) return;
        current = { ...current, [cursorParam[0]]: page.next_cursor };
        page = (await this.call(op, current)) as typeof page;
        continue;
      }
      const offsetParam = op.params.find(([, wire, loc]) => wire === "offset" && loc === "query");
      if (!offsetParam || items.length === 0) return;
      const offset = Number(current[offsetParam[0]] ?? 0) + items.length;
      if (typeof page.has_more === "boolean") {
        if (!page.has_more) return;
      } else {
        const limitParam = op.params.find(([, wire, loc]) => wire === "limit" && loc === "query");
        const size = Number((limitParam && current[limitParam[0]]) ?? page.limit ?? first ?? 1);
        if (items.length < size) return;
      }
      current = { ...current, [offsetParam[0]]: offset };
      page = (await this.call(op, current)) as typeof page;
    }
  }
}

/** The item type of a page: its array field's element, or the element of an array answer. */
export type ItemOf<R> = R extends Array<infer T>
  ? T
  : { [K in keyof R]: R[K] extends Array<infer T> ? T : never }[keyof R];

export { MarketplaceError };
