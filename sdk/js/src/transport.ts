// What the client shares with the generated namespaces: the route table's
// types, building a request from camelCase arguments, reading an answer or
// an error, and the retry rule. No state here.
import { MarketplaceError } from "./errors.js";
import { ERROR_CLASSES } from "./generated/errors.js";

/** [camelCase argument, wire name, where it goes, required] */
export type Param = [string, string, "path" | "query" | "body", boolean];

export interface Operation {
  id: string;
  method: string;
  path: string;
  params: Param[];
  body: "json" | "form" | null;
  /** The array field holding a page's items. */
  items: string | null;
  paged: boolean;
  namespace: string;
  name: string;
  aliasOf: string | null;
}

/** `X-RateLimit-Limit`, `-Remaining`, `-Reset` (epoch seconds). */
export interface RateLimit {
  limit: number | null;
  remaining: number | null;
  reset: number | null;
}

export interface ResponseMeta {
  status: number;
  headers: Headers;
  rateLimit: RateLimit;
  requestId: string | null;
}

/** An answer with what its headers said (non-enumerable: JSON.stringify shows the body only). */
export type Result<T> = T & { readonly rateLimit: RateLimit; readonly response: ResponseMeta };

export interface Transport {
  call(op: Operation, args: Record<string, unknown>): Promise<unknown>;
}

export interface RequestSpec {
  method: string;
  url: string;
  body?: string;
  contentType?: string;
}

/** A Retry-After longer than this (seconds) is raised at once. */
export const MAX_RETRY_AFTER = 60;
/** Full-jitter backoff of a 503: a random wait in [0, min(cap, base * 2^attempt)] seconds. */
export const BACKOFF_CAP = 8;
export const BACKOFF_BASE = 0.5;

function queryValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(queryValue).join(",");
  if (value !== null && typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export function build(op: Operation, args: Record<string, unknown>, baseUrl: string): RequestSpec {
  let path = op.path;
  const query = new URLSearchParams();
  const body: Record<string, unknown> = {};
  for (const [js, wire, loc, required] of op.params) {
    // The wire's snake_case name is accepted too.
    const value = args[js] ?? args[wire];
    if (value === undefined || value === null) {
      if (required && loc === "path") {
        throw new TypeError(`${op.namespace}.${op.name}() needs ${js}`);
      }
      continue;
    }
    if (loc === "path") path = path.replace(`{${wire}}`, encodeURIComponent(String(value)));
    else if (loc === "query") query.set(wire, queryValue(value));
    else body[wire] = value;
  }
  const qs = query.toString();
  const url = baseUrl.replace(/\/+$/, "") + path + (qs ? `?${qs}` : "");
  if (op.body === "json") {
    return { method: op.method, url, body: JSON.stringify(body), contentType: "application/json" };
  }
  if (op.body === "form") {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(body)) form.set(k, queryValue(v));
    return { method: op.method, url, body: form.toString(), contentType: "application/x-www-form-urlencoded" };
  }
  return { method: op.method, url };
}

function num(headers: Headers, name: string): number | null {
  const v = headers.get(name);
  if (v === null) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

export function meta(status: number, headers: Headers): ResponseMeta {
  return {
    status,
    headers,
    rateLimit: {
      limit: num(headers, "x-ratelimit-limit"),
      remaining: num(headers, "x-ratelimit-remaining"),
      reset: num(headers, "x-ratelimit-reset"),
    },
    requestId: headers.get("x-request-id"),
  };
}

export function attach<T>(value: T, m: ResponseMeta): T {
  if (value !== null && typeof value === "object") {
    Object.defineProperty(value, "rateLimit", { value: m.rateLimit, enumerable: false });
    Object.defineProperty(value, "response", { value: m, enumerable: false });
  }
  return value;
}

export function parse(status: number, headers: Headers, text: string): unknown {
  const m = meta(status, headers);
  if (!text) return attach({}, m);
  return attach(JSON.parse(text), m);
}

export function retryAfterOf(headers: Headers, body: Record<string, unknown>): number | null {
  const h = headers.get("retry-after");
  if (h !== null && /^\s*\d+\s*$/.test(h)) return Number(h);
  return typeof body.retry_after === "number" ? body.retry_after : null;
}

export function errorFrom(status: number, headers: Headers, text: string): MarketplaceError {
  let body: Record<string, unknown> = {};
  try {
    const parsed = text ? JSON.parse(text) : {};
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) body = parsed;
  } catch {
    // not JSON: the status tells what there is to tell
  }
  const code = typeof body.code === "string" ? body.code : "";
  const message =
    typeof body.message === "string" ? body.message : typeof body.error === "string" ? body.error : `HTTP ${status}`;
  const details =
    body.details && typeof body.details === "object" ? (body.details as Record<string, unknown>) : {};
  const Cls = ERROR_CLASSES[code] ?? MarketplaceError;
  return new Cls({
    status,
    code,
    message,
    error: typeof body.error === "string" ? body.error : "",
    details,
    headers,
    retryAfter: retryAfterOf(headers, body),
  });
}

/**
 * Seconds to wait before retry `attempt + 1`, or null to throw. Only the
 * request budget's 429 and a plain 503 are retried: a quota 429
 * (TENANT_LIMIT_EXCEEDED, ...) or maintenance would answer the same.
 */
export function retryWait(
  err: MarketplaceError,
  attempt: number,
  waited: number,
  maxRetries: number,
  maxTotalWait: number,
): number | null {
  if (attempt >= maxRetries) return null;
  let wait: number;
  if (err.status === 429 && err.code === "RATE_LIMIT_EXCEEDED") {
    wait = (err as MarketplaceError & { retryAfter?: number }).retryAfter || 1;
    if (wait > MAX_RETRY_AFTER) return null;
  } else if (err.status === 503 && (err.code === "SERVICE_UNAVAILABLE" || err.code === "")) {
    wait = Math.random() * Math.min(BACKOFF_CAP, BACKOFF_BASE * 2 ** attempt);
  } else {
    return null;
  }
  if (waited + wait > maxTotalWait) return null;
  return wait;
}

export function nextLink(headers: Headers): string | null {
  const value = headers.get("link");
  if (!value) return null;
  for (const part of value.split(/,(?=\s*<)/)) {
    const m = /<([^>]*)>(.*)/.exec(part.trim());
    if (m && /rel\s*=\s*"?next"?/.test(m[2])) return m[1];
  }
  return null;
}
