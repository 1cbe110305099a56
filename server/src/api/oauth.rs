//! OAuth 2.0 doors: client registration (JSON API), the consent page and
//! the token endpoint. Rules live in `app::backend::services::oauth`.

use super::extract::{ApiJson, Auth, MaybeAuth};
use app::backend::services::oauth::{
    self, AuthorizeError, AuthorizeParams, AuthorizeRequest, OAuthFailure, RegisterClient,
    RegisteredClient, TokenForm,
};
use app::backend::state::AppState;
use app::error::MarketError;
use axum::{
    extract::{rejection::FormRejection, Query, State},
    http::{header, HeaderMap, StatusCode},
    response::{Html, IntoResponse, Redirect, Response},
    Form, Json,
};
use base64::Engine;
use serde::Deserialize;

pub async fn register_client(
    State(state): State<AppState>,
    Auth(principal): Auth,
    ApiJson(req): ApiJson<RegisterClient>,
) -> Result<(StatusCode, Json<RegisteredClient>), MarketError> {
    let created = oauth::register_client(&state, &principal, &req).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// `GET /oauth/authorize`: the consent page for the logged-in user.
pub async fn authorize_page(
    State(state): State<AppState>,
    MaybeAuth(principal): MaybeAuth,
    Query(params): Query<AuthorizeParams>,
) -> Response {
    let req = match oauth::check_authorize(&state, &params).await {
        Ok(r) => r,
        Err(e) => return authorize_error(e),
    };
    match principal {
        None => page(
            "Log in to continue",
            &format!(
                "<p class=\"text-slate-600 dark:text-slate-400\"><strong>{}</strong> wants to use your marketplace account. \
                 Log in first, then open this link again.</p>\
                 <a class=\"{BUTTON}\" href=\"/login\">Log in</a>",
                escape(&req.client.name)
            ),
            StatusCode::UNAUTHORIZED,
        ),
        Some(p) => consent(&req, &params, &p.email),
    }
}

#[derive(Deserialize)]
pub struct Decision {
    decision: String,
    #[serde(flatten)]
    params: AuthorizeParams,
}

/// `POST /oauth/authorize`: the user's answer (same-origin, session only).
pub async fn authorize_decide(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Form(form): Form<Decision>,
) -> Response {
    let req = match oauth::check_authorize(&state, &form.params).await {
        Ok(r) => r,
        Err(e) => return authorize_error(e),
    };
    if form.decision != "approve" {
        return redirect_with(
            &req.redirect_uri,
            &[("error", "access_denied")],
            req.state.as_deref(),
        );
    }
    match oauth::issue_code(&state, &principal, &req).await {
        Ok(code) => redirect_with(&req.redirect_uri, &[("code", &code)], req.state.as_deref()),
        Err(e) => e.into_response(),
    }
}

/// `POST /oauth/token`: form in, JSON out, errors in RFC 6749 form plus
/// the envelope's `message` and `code`.
pub async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Response {
    let result = match form {
        Ok(Form(form)) => oauth::token(&state, &form, basic_auth(&headers)).await,
        Err(e) => Err(OAuthFailure::InvalidRequest(e.body_text())),
    };
    let mut response = match result {
        Ok(reply) => Json(reply).into_response(),
        Err(failure) => {
            let (status, rfc, code, description) = failure.parts();
            let body = serde_json::json!({
                "error": rfc,
                "error_description": description,
                "message": description,
                "code": code,
            });
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
            let mut r = (status, Json(body)).into_response();
            if status == StatusCode::UNAUTHORIZED {
                r.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    header::HeaderValue::from_static("Basic realm=\"oauth\""),
                );
            }
            r
        }
    };
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

fn basic_auth(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

fn redirect_with(uri: &str, pairs: &[(&str, &str)], state: Option<&str>) -> Response {
    let mut query = url_encode_pairs(pairs);
    if let Some(s) = state {
        query.push('&');
        query.push_str(&url_encode_pairs(&[("state", s)]));
    }
    let sep = if uri.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{uri}{sep}{query}")).into_response()
}

fn url_encode_pairs(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn authorize_error(e: AuthorizeError) -> Response {
    match e {
        AuthorizeError::Display(message) => page(
            "This authorization request is not valid",
            &format!(
                "<p role=\"alert\" class=\"text-red-700 dark:text-red-300\">{}</p>",
                escape(&message)
            ),
            StatusCode::BAD_REQUEST,
        ),
        AuthorizeError::Redirect {
            redirect_uri,
            error,
            description,
            state,
        } => redirect_with(
            &redirect_uri,
            &[("error", &error), ("error_description", &description)],
            state.as_deref(),
        ),
        AuthorizeError::Server(e) => e.into_response(),
    }
}

const BUTTON: &str = "inline-flex items-center justify-center rounded-lg px-4 py-2 font-medium \
    focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 \
    bg-indigo-600 text-white hover:bg-indigo-500";

fn consent(req: &AuthorizeRequest, params: &AuthorizeParams, email: &str) -> Response {
    let hidden = [
        ("response_type", params.response_type.as_deref()),
        ("client_id", params.client_id.as_deref()),
        ("redirect_uri", Some(req.redirect_uri.as_str())),
        ("scope", Some(req.scope.as_str())),
        ("state", params.state.as_deref()),
        ("code_challenge", params.code_challenge.as_deref()),
        (
            "code_challenge_method",
            params.code_challenge_method.as_deref(),
        ),
    ]
    .iter()
    .filter_map(|(k, v)| {
        v.map(|v| {
            format!(
                "<input type=\"hidden\" name=\"{k}\" value=\"{}\">",
                escape(v)
            )
        })
    })
    .collect::<String>();
    let access = if req.scope.as_str() == "read" {
        "read the marketplace as you (browse, search, view your keys and installs)"
    } else {
        "read and change the marketplace as you (publish, rate, install)"
    };
    page(
        "Authorize access",
        &format!(
            "<p class=\"text-slate-600 dark:text-slate-400\"><strong class=\"text-slate-900 dark:text-white\">{client}</strong> \
             asks to {access}.</p>\
             <p class=\"mt-2 text-sm text-slate-500\">Signed in as {email}. You will be sent back to <code class=\"break-all\">{redirect}</code>.</p>\
             <form method=\"post\" action=\"/oauth/authorize\" class=\"mt-6 flex gap-3\">{hidden}\
             <button class=\"{BUTTON}\" name=\"decision\" value=\"approve\" type=\"submit\">Allow</button>\
             <button class=\"inline-flex items-center rounded-lg border border-slate-300 px-4 py-2 font-medium hover:bg-slate-100 \
             focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:border-slate-700 dark:hover:bg-slate-800\" \
             name=\"decision\" value=\"deny\" type=\"submit\">Deny</button></form>",
            client = escape(&req.client.name),
            email = escape(email),
            redirect = escape(&req.redirect_uri),
        ),
        StatusCode::OK,
    )
}

fn page(title: &str, body: &str, status: StatusCode) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"color-scheme\" content=\"light dark\">\
         <title>{title} · Agent Marketplace</title><link rel=\"stylesheet\" href=\"/pkg/marketplace.css\"></head>\
         <body class=\"min-h-screen bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100\">\
         <main class=\"mx-auto max-w-lg px-4 py-16\"><div class=\"rounded-xl border border-slate-200 bg-white p-6 shadow-sm \
         dark:border-slate-800 dark:bg-slate-900\"><h1 class=\"mb-4 text-2xl font-semibold\">{title}</h1>{body}</div></main></body></html>",
        title = escape(title),
    );
    (status, Html(html)).into_response()
}

/// Text for HTML content and attribute values.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{escape, percent_encode};

    #[test]
    fn escaping_covers_markup_and_attributes() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(percent_encode("a b&c=d"), "a%20b%26c%3Dd");
    }
}
