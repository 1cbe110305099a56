//! Where a webhook may point: an `http(s)` URL whose host is a public
//! address. Checked when a webhook is registered and again at every
//! delivery attempt (a name may resolve elsewhere later), so a tenant can
//! never make our servers call loopback, the private network or a cloud
//! metadata address (169.254.169.254), unless the operator allows private
//! targets (`WEBHOOKS_ALLOW_PRIVATE=true`, for tests and closed networks).

use crate::error::{MarketError, MarketResult};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

/// Longest URL kept (the table's CHECK).
pub const MAX_URL_LEN: usize = 2000;

/// How long a registration waits for DNS before taking the name as it is
/// (every attempt resolves and checks it again).
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(2);

/// A syntactically acceptable webhook URL: `http` or `https`, a host, no
/// credentials in it (they would be sent to whoever answers), no fragment.
pub fn parse_url(raw: &str) -> MarketResult<url::Url> {
    let bad = |why: &str| MarketError::validation("url", why.to_owned());
    // As written, as the documented pattern says: the URL parser would
    // also take " HTTP://..." (trimmed, scheme lower-cased).
    if !(raw.starts_with("http://") || raw.starts_with("https://")) {
        return Err(bad("Only http:// and https:// URLs can receive webhooks"));
    }
    if raw.len() > MAX_URL_LEN {
        return Err(bad("Give an http(s) URL of at most 2000 characters"));
    }
    let url = url::Url::parse(raw).map_err(|_| bad("Not a URL"))?;
    // Percent-encoding can lengthen it: what is kept must fit too.
    if url.as_str().len() > MAX_URL_LEN {
        return Err(bad("Give an http(s) URL of at most 2000 characters"));
    }
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("Only http and https URLs can receive webhooks"));
    }
    if url.host().is_none() {
        return Err(bad("The URL needs a host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("Credentials do not belong in a webhook URL"));
    }
    if url.fragment().is_some() {
        return Err(bad("A webhook URL has no fragment"));
    }
    Ok(url)
}

/// The refusal when a host is (or resolves to) a non-public address.
pub fn private_refused() -> MarketError {
    MarketError::validation(
        "url",
        "Webhook URLs must point to a public address, not loopback, private or link-local ones",
    )
}

/// At registration: a literal address must be public, and so must every
/// address a name resolves to. A name that does not resolve (yet) is
/// accepted: each attempt resolves it again and refuses private answers.
pub async fn check_public(url: &url::Url, allow_private: bool) -> MarketResult<()> {
    if allow_private {
        return Ok(());
    }
    match url.host() {
        Some(url::Host::Ipv4(ip)) => public_or_refused(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => public_or_refused(IpAddr::V6(ip)),
        Some(url::Host::Domain(name)) => {
            let port = url.port_or_known_default().unwrap_or(443);
            let lookup = tokio::net::lookup_host((name.to_owned(), port));
            match tokio::time::timeout(LOOKUP_TIMEOUT, lookup).await {
                Ok(Ok(addrs)) => {
                    for a in addrs {
                        public_or_refused(a.ip())?;
                    }
                    Ok(())
                }
                // Unresolvable or slow DNS: decided again at each attempt.
                _ => Ok(()),
            }
        }
        None => Err(private_refused()),
    }
}

fn public_or_refused(ip: IpAddr) -> MarketResult<()> {
    if is_public(ip) {
        Ok(())
    } else {
        Err(private_refused())
    }
}

/// Whether `ip` is an address on the public internet: not loopback,
/// private, link-local, shared (CGNAT), unspecified, multicast, broadcast,
/// documentation, benchmarking or reserved; IPv6 forms that embed an IPv4
/// address (mapped, NAT64, 6to4) are judged by that address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        // Shared address space (RFC 6598), used by carrier NAT and clouds.
        || (a == 100 && (64..128).contains(&b))
        // IETF protocol assignments (RFC 6890).
        || (a == 192 && b == 0 && c == 0)
        // Benchmarking (RFC 2544).
        || (a == 198 && (b == 18 || b == 19))
        // Reserved (240.0.0.0/4).
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let s = ip.segments();
    // NAT64 (64:ff9b::/96) reaches the IPv4 address in its low bits.
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
        return is_public_v4(embedded_v4(s[6], s[7]));
    }
    // 6to4 (2002::/16) carries an IPv4 address in bits 16..48.
    if s[0] == 0x2002 {
        return is_public_v4(embedded_v4(s[1], s[2]));
    }
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        // IPv4-compatible (deprecated) ::a.b.c.d
        || s[..6] == [0, 0, 0, 0, 0, 0]
        // Unique local fc00::/7, link-local fe80::/10, site-local fec0::/10.
        || (s[0] & 0xfe00) == 0xfc00
        || (s[0] & 0xffc0) == 0xfe80
        || (s[0] & 0xffc0) == 0xfec0
        // Documentation 2001:db8::/32, Teredo 2001::/32.
        || (s[0] == 0x2001 && (s[1] == 0x0db8 || s[1] == 0)))
}

fn embedded_v4(hi: u16, lo: u16) -> Ipv4Addr {
    let [a, b] = hi.to_be_bytes();
    let [c, d] = lo.to_be_bytes();
    Ipv4Addr::new(a, b, c, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a00:1",
            "2002:7f00:1::",
            "::7f00:1",
        ] {
            let ip: IpAddr = private.parse().expect("ip");
            assert!(!is_public(ip), "{private} must not count as public");
        }
        for public in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            let ip: IpAddr = public.parse().expect("ip");
            assert!(is_public(ip), "{public} is public");
        }
    }

    #[test]
    fn urls_are_http_with_a_host_and_no_credentials() {
        assert!(parse_url("https://hooks.example.com/in?x=1").is_ok());
        for bad in [
            "ftp://example.com/",
            "file:///etc/passwd",
            "http://user:pw@example.com/",
            "https://example.com/#frag",
            "not a url",
            "",
            " http://example.com/",
            "HTTP://example.com/",
        ] {
            assert!(parse_url(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn literal_and_named_private_hosts_are_refused_unless_allowed() {
        for host in [
            "http://127.0.0.1:9/",
            "http://[::1]/",
            "http://localhost/",
            "http://169.254.169.254/latest",
            "http://0x7f000001/",
        ] {
            let url = parse_url(host).expect("url");
            assert!(check_public(&url, false).await.is_err(), "{host}");
            assert!(check_public(&url, true).await.is_ok(), "{host} allowed");
        }
        let url = parse_url("http://93.184.216.34/hook").expect("url");
        assert!(check_public(&url, false).await.is_ok());
    }
}
