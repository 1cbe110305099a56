export { MarketplaceClient, DEFAULT_BASE_URL, type ClientOptions, type TokenReply, type ItemOf } from "./client.js";
export { MarketplaceError, MarketplaceConnectionError, MarketplaceTimeoutError, type ErrorInit } from "./errors.js";
export * from "./generated/errors.js";
export { OPERATIONS } from "./generated/operations.js";
export * from "./generated/operations.js";
export type { components, paths, operations } from "./generated/schema.js";
export type { Operation, RateLimit, ResponseMeta, Result } from "./transport.js";
export { VERSION } from "./version.js";
