/** What every error of the client carries. */
export interface ErrorInit {
  status: number | null;
  code: string;
  message: string;
  error?: string;
  details?: Record<string, unknown>;
  headers?: Headers;
  retryAfter?: number | null;
}

/**
 * An error answer of the API, `{error, message, code, details}`, with its
 * HTTP status. The subclass names the code (`ERROR_CLASSES`).
 */
export class MarketplaceError extends Error {
  readonly status: number | null;
  readonly code: string;
  readonly error: string;
  readonly details: Record<string, unknown>;
  readonly headers: Headers;

  constructor(init: ErrorInit) {
    super(init.message);
    this.name = "MarketplaceError";
    this.status = init.status;
    this.code = init.code;
    this.error = init.error ?? "";
    this.details = init.details ?? {};
    this.headers = init.headers ?? new Headers();
  }
}

/** The server could not be reached (no answer at all). */
export class MarketplaceConnectionError extends MarketplaceError {
  constructor(init: ErrorInit) {
    super(init);
    this.name = "MarketplaceConnectionError";
  }
}

/** No answer within the client's `timeout`. */
export class MarketplaceTimeoutError extends MarketplaceError {
  constructor(init: ErrorInit) {
    super(init);
    this.name = "MarketplaceTimeoutError";
  }
}
