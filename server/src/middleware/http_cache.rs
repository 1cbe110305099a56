//! HTTP caching of anonymous reads, for a CDN in front of the servers.
//!
//! An anonymous `GET`/`HEAD` answered `200` (public API routes, pages a
//! visitor sees) gets a weak `ETag` over its body and `Cache-Control:
//! public, max-age=…, stale-while-revalidate=…`; a matching
//! `If-None-Match` is answered `304` without the body. Nothing personal is
//! ever shared: a request carrying any credential (API key, bearer token,
//! session cookie) is answered `private, no-store` with no `ETag`, so it
//! can neither be cached by a proxy nor be revalidated against another
//! caller's tag, and every answer here carries `Vary` on the headers that
//! hold credentials. Answers that set a cookie, carry their own
//! `Cache-Control` (OAuth, static files) or are not `200` are never made
//! public.

use app::backend::session::COOKIE_NAME;
use axum::{
    body::{Body, Bytes},
    extract::Request,
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::Response,
};
use futures_util::StreamExt;
use http_body_util::BodyExt;
use sha2::{Digest, Sha256};

/// Seconds a shared cache may serve an answer without asking again: short,
/// so an approval or a new rating shows within a minute.
pub const MAX_AGE: u32 = 30;
/// Seconds a cache may go on serving a stale answer while it revalidates.
pub const STALE_WHILE_REVALIDATE: u32 = 60;
/// Bodies up to this size are hashed for an `ETag`; a longer one (a big
/// static file) is passed through as it streams, cacheable but untagged.
const MAX_TAGGED_BODY: usize = 1024 * 1024;

const PUBLIC: &str = "public, max-age=30, stale-while-revalidate=60";
const PRIVATE: &str = "private, no-store";
/// The request headers that can make an answer personal.
const VARY: &str = "Cookie, Authorization, X-API-Key, X-Federation-Key";

/// Paths whose answers are never shared even for a visitor: sign-up and
/// log-in forms, the account and operator areas, health (live state) and
/// the OAuth endpoints, and the federation routes (a shared cache would
/// hand a peer's answer to callers without its key, past the 401/403 and
/// the per-address budget).
const NEVER_SHARED: &[&str] = &[
    "/api/health",
    "/api/federation",
    "/api/auth",
    "/api/admin",
    "/oauth",
    "/login",
    "/signup",
    "/account",
    "/admin",
    "/publish",
    "/sfn",
];

fn under(path: &str, prefix: &str) -> bool {
    path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Whether the request presents a credential of any kind, valid or not:
/// its answer may be personal.
pub fn has_credential(headers: &HeaderMap) -> bool {
    if ["authorization", "x-api-key", "x-federation-key"]
        .iter()
        .any(|name| headers.contains_key(*name))
    {
        return true;
    }
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|pair| {
            pair.trim()
                .split_once('=')
                .is_some_and(|(name, _)| name.trim() == COOKIE_NAME)
        })
}

pub async fn http_cache(req: Request, next: Next) -> Response {
    let reads = matches!(*req.method(), Method::GET | Method::HEAD);
    // axum drops a HEAD answer's body: there is nothing to tag.
    let head = req.method() == Method::HEAD;
    let personal = has_credential(req.headers());
    let shareable_path = !NEVER_SHARED.iter().any(|p| under(req.uri().path(), p));
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).cloned();
    let mut response = next.run(req).await;
    if !reads {
        return response;
    }
    let ok = response.status() == StatusCode::OK;
    let headers = response.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static(VARY));
    if personal {
        // Whatever the route, an answer to a credential stays with its
        // caller, and is never a 304 (no tag is given out to compare with).
        // A route that already forbids storing (a shown secret) keeps its
        // own word.
        let stored_nowhere = headers
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("no-store"));
        if !stored_nowhere {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(PRIVATE));
        }
        headers.remove(header::ETAG);
        return response;
    }
    let shareable = shareable_path
        && ok
        && !headers.contains_key(header::SET_COOKIE)
        && !headers.contains_key(header::CACHE_CONTROL);
    if !shareable {
        if !headers.contains_key(header::CACHE_CONTROL) {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        return response;
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(PUBLIC));
    if head || headers.contains_key(header::ETAG) || headers.contains_key(header::LAST_MODIFIED) {
        // Static files validate with their own Last-Modified.
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match buffer(body).await {
        Buffered::Whole(bytes) => bytes,
        Buffered::Long(body) => return Response::from_parts(parts, body),
    };
    let tag = etag(&bytes);
    let Ok(tag_value) = HeaderValue::from_str(&tag) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    parts.headers.insert(header::ETAG, tag_value);
    if if_none_match
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| matches_tag(v, &tag))
    {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        parts.headers.remove(header::CONTENT_TYPE);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

enum Buffered {
    Whole(Bytes),
    /// Past [`MAX_TAGGED_BODY`]: what was read, then the rest as it comes.
    Long(Body),
}

async fn buffer(mut body: Body) -> Buffered {
    let mut read = Vec::new();
    let mut len = 0usize;
    while let Some(frame) = body.frame().await {
        match frame {
            Ok(frame) => {
                if let Ok(data) = frame.into_data() {
                    len += data.len();
                    read.push(data);
                }
            }
            Err(e) => {
                // The body failed mid-way: hand what there was and the error
                // on, as the client would have seen it without this layer.
                let head = futures_util::stream::iter(read.into_iter().map(Ok));
                let tail = futures_util::stream::once(async move { Err(e) });
                return Buffered::Long(Body::from_stream(head.chain(tail)));
            }
        }
        if len > MAX_TAGGED_BODY {
            let head = futures_util::stream::iter(read.into_iter().map(Ok));
            return Buffered::Long(Body::from_stream(head.chain(body.into_data_stream())));
        }
    }
    Buffered::Whole(match read.len() {
        1 => read.remove(0),
        _ => Bytes::from(read.concat()),
    })
}

/// A weak tag: the body as sent may be compressed differently, the
/// representation is the same. A page's per-render script nonce is left
/// out (the content security policy does not rely on it), or no page would
/// ever match its previous render.
fn etag(body: &[u8]) -> String {
    let digest = match render_nonce(body) {
        Some(nonce) => {
            let mut hasher = Sha256::new();
            let mut rest = body;
            while let Some(at) = find(rest, nonce) {
                hasher.update(&rest[..at]);
                rest = &rest[at + nonce.len()..];
            }
            hasher.update(rest);
            hasher.finalize()
        }
        None => Sha256::digest(body),
    };
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("W/\"{hex}\"")
}

/// The value of the first `nonce="…"` in the head of an HTML page.
fn render_nonce(body: &[u8]) -> Option<&[u8]> {
    const ATTR: &[u8] = b"nonce=\"";
    let head = &body[..body.len().min(16 * 1024)];
    let start = find(head, ATTR)? + ATTR.len();
    let len = head[start..].iter().position(|b| *b == b'"')?;
    (8..=64).contains(&len).then(|| &body[start..start + len])
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// `If-None-Match` compares weakly (RFC 9110 13.1.2): `*` or any listed tag
/// with the same opaque part.
fn matches_tag(header: &str, tag: &str) -> bool {
    let opaque = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    let ours = opaque(tag);
    header
        .split(',')
        .any(|t| t.trim() == "*" || opaque(t) == ours)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_compare_weakly_and_in_lists() {
        let tag = etag(b"hello");
        assert!(matches_tag(&tag, &tag));
        assert!(matches_tag(
            &format!("\"x\", {}", tag.trim_start_matches("W/")),
            &tag
        ));
        assert!(matches_tag("*", &tag));
        assert!(!matches_tag("W/\"0123\"", &tag));
        assert_ne!(etag(b"hello"), etag(b"hello!"));
        // Two renders that differ only in their nonce share a tag.
        let page = |n: &str| format!("<script nonce=\"{n}\">x</script><link crossorigin=\"{n}\">");
        assert_eq!(
            etag(page("AAAAAAAAAAAAAAAA").as_bytes()),
            etag(page("BBBBBBBBBBBBBBBB").as_bytes())
        );
        assert_ne!(
            etag(page("AAAAAAAAAAAAAAAA").as_bytes()),
            etag(format!("{}!", page("AAAAAAAAAAAAAAAA")).as_bytes())
        );
    }

    #[test]
    fn credentials_are_recognised_in_any_cookie_position() {
        let mut h = HeaderMap::new();
        assert!(!has_credential(&h));
        h.insert(header::COOKIE, HeaderValue::from_static("theme=dark"));
        assert!(!has_credential(&h));
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("theme=dark; {COOKIE_NAME}=abc")).expect("header"),
        );
        assert!(has_credential(&h));
        let mut k = HeaderMap::new();
        k.insert("x-api-key", HeaderValue::from_static("junk"));
        assert!(has_credential(&k));
    }

    #[test]
    fn prefixes_match_whole_segments() {
        assert!(under("/account", "/account"));
        assert!(under("/account/agents", "/account"));
        assert!(!under("/accounting", "/account"));
    }
}
