//! A form posted without JavaScript comes back with its error in the URL
//! (`__path`, `__err`); handing it to the server actions shows it beside
//! the form exactly as a hydrated submit would. Server and browser read
//! the same URL, so both render the same.

use leptos::prelude::*;
use leptos::server::ServerActionError;

pub fn provide_from_url() {
    if let Some(query) = current_query() {
        let mut path = None;
        let mut err = None;
        for pair in query.split('&') {
            match pair.split_once('=') {
                Some(("__path", v)) => path = Some(percent_decode(v)),
                Some(("__err", v)) => err = Some(percent_decode(v)),
                _ => {}
            }
        }
        if let (Some(path), Some(err)) = (path, err) {
            provide_context(ServerActionError::new(&path, &err));
        }
    }
}

#[cfg(feature = "ssr")]
fn current_query() -> Option<String> {
    use_context::<http::request::Parts>().and_then(|p| p.uri.query().map(str::to_owned))
}

#[cfg(not(feature = "ssr"))]
fn current_query() -> Option<String> {
    window()
        .location()
        .search()
        .ok()
        .map(|s| s.trim_start_matches('?').to_owned())
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn decodes_query_values() {
        assert_eq!(
            percent_decode("%2Fsfn%2Faccount%2Flogin"),
            "/sfn/account/login"
        );
        assert_eq!(percent_decode("eyJ%3D%3D"), "eyJ==");
        assert_eq!(percent_decode("a+b%"), "a b%");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(percent_decode("%é"), "%é");
    }
}
