//! OAuth 2.0 doors: client registration, listing and deletion (JSON API),
//! the consent page, the token endpoint and revocation (RFC 7009). Rules
//! live in `app::backend::services::oauth`.

use super::extract::{ApiJson, Auth, MaybeAuth};
use app::backend::auth::{CredentialKind, Principal};
use app::backend::services::oauth::{
    self, AuthorizeError, AuthorizeParams, AuthorizeRequest, ClientList, OAuthFailure,
    RegisterClient, RegisteredClient, RevokeForm, TokenForm, TokenReply,
};
use app::backend::state::AppState;
use app::error::MarketError;
use axum::{
    extract::{rejection::FormRejection, Path, Query, RawQuery, State},
    http::{header, HeaderMap, StatusCode},
    response::{Html, IntoResponse, Redirect, Response},
    Form, Json,
};
use base64::Engine;
use serde::{Deserialize, Serialize};
use utoipa::openapi::{RefOr, Schema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// `/api/oauth/clients/**`: the JSON API of a user's OAuth clients.
pub fn client_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register_client, list_clients))
        .routes(routes!(delete_client))
}

/// `/oauth/*`, relative to its nest: the token endpoint and revocation
/// (documented), and the consent page, which is HTML for a browser and no
/// part of the JSON API.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route(
            "/authorize",
            axum::routing::get(authorize_page).post(authorize_decide),
        )
        .routes(routes!(token))
        .routes(routes!(revoke))
}

/// An answer that carries a secret: never kept by a cache (RFC 6749 §5.1
/// names both headers for the token endpoint; the same holds for keys and
/// client secrets).
pub fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    headers.insert(header::PRAGMA, header::HeaderValue::from_static("no-cache"));
    response
}

/// Register an OAuth client (secret shown once; a session only)
#[utoipa::path(
    post,
    path = "/oauth/clients",
    tag = "OAuth",
    request_body = RegisterClient,
    extensions(("x-access" = json!("required"))),
    responses((status = 201, description = "The client; its secret is never shown again", body = RegisteredClient))
)]
pub async fn register_client(
    State(state): State<AppState>,
    Auth(principal): Auth,
    ApiJson(req): ApiJson<RegisterClient>,
) -> Result<Response, MarketError> {
    let created: RegisteredClient = oauth::register_client(&state, &principal, &req).await?;
    Ok(no_store(
        (StatusCode::CREATED, Json(created)).into_response(),
    ))
}

/// The caller's OAuth clients, without secrets
#[utoipa::path(
    get,
    path = "/oauth/clients",
    tag = "OAuth",
    extensions(("x-access" = json!("required"))),
    responses((status = 200, description = "The caller's clients", body = ClientList))
)]
pub async fn list_clients(
    State(state): State<AppState>,
    Auth(principal): Auth,
) -> Result<Json<ClientList>, MarketError> {
    Ok(Json(oauth::list_clients(&state, &principal).await?))
}

/// Delete an OAuth client (by client_id) and every token it was issued
#[utoipa::path(
    delete,
    path = "/oauth/clients/{id}",
    tag = "OAuth",
    params(("id" = String, Path, description = "The client's client_id")),
    extensions(("x-access" = json!("required"))),
    responses((status = 204, description = "Deleted"))
)]
pub async fn delete_client(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(client_id): Path<String>,
) -> Result<StatusCode, MarketError> {
    oauth::delete_client(&state, &principal, &client_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Consent is given by a person in a browser session; a key or token
/// presented here is not one.
fn person(principal: Option<Principal>) -> Option<Principal> {
    principal.filter(|p| p.credential == CredentialKind::Session)
}

/// `GET /oauth/authorize`: the consent page for the logged-in user.
///
/// Until the user is known, nothing is sent to the client's redirect URI,
/// not even an error RFC 6749 §4.1.2.1 would let us send: a visitor who
/// only followed a link gets a login here, or an error page on this site.
pub async fn authorize_page(
    State(state): State<AppState>,
    MaybeAuth(principal): MaybeAuth,
    RawQuery(raw): RawQuery,
    Query(params): Query<AuthorizeParams>,
) -> Response {
    let checked = oauth::check_authorize(&state, &params).await;
    match (checked, person(principal)) {
        (Err(e @ (AuthorizeError::Display(_) | AuthorizeError::Server(_))), _) => {
            authorize_error(e)
        }
        (Ok(req), Some(p)) => consent(&req, &params, &p.email),
        (Err(e @ AuthorizeError::Redirect { .. }), Some(_)) => authorize_error(e),
        (checked, None) => login_prompt(checked.ok().as_ref(), raw.as_deref()),
    }
}

/// Log in, then come back to this very request.
fn login_prompt(req: Option<&AuthorizeRequest>, raw_query: Option<&str>) -> Response {
    let back = match raw_query {
        Some(q) => format!("/oauth/authorize?{q}"),
        None => "/oauth/authorize".to_owned(),
    };
    let who = match req {
        Some(r) => format!("<strong>{}</strong>", escape(&r.client.name)),
        None => "An application".to_owned(),
    };
    page(
        "Log in to continue",
        &format!(
            "<p class=\"text-slate-600 dark:text-slate-400\">{who} wants to use your marketplace account. \
             Log in first; you will come back here to allow or deny it.</p>\
             <a class=\"{BUTTON} mt-4\" href=\"/login?next={}\">Log in</a>",
            escape(&percent_encode(&back))
        ),
        StatusCode::UNAUTHORIZED,
    )
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
    let Some(principal) = person(Some(principal)) else {
        return MarketError::forbidden("Only a signed-in person can authorize an application")
            .into_response();
    };
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
        // The code is a secret until it is exchanged.
        Ok(code) => no_store(redirect_with(
            &req.redirect_uri,
            &[("code", &code)],
            req.state.as_deref(),
        )),
        Err(e) => e.into_response(),
    }
}

/// Token endpoint: authorization_code (PKCE), client_credentials, refresh_token
///
/// Form in, JSON out; errors in RFC 6749 form plus the envelope's
/// `message` and `code`. Clients authenticate with HTTP Basic or with
/// `client_id` and `client_secret` in the form.
#[utoipa::path(
    post,
    path = "/token",
    tag = "OAuth",
    request_body(content = TokenForm, content_type = "application/x-www-form-urlencoded"),
    extensions(("x-access" = json!("public"))),
    responses((status = 200, description = "A new access token and refresh token", body = TokenReply))
)]
pub async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Response {
    let result = match form {
        Ok(Form(form)) => oauth::token(&state, &form, basic_auth(&headers)).await,
        Err(e) => Err(OAuthFailure::InvalidRequest(e.body_text())),
    };
    let response = match result {
        Ok(reply) => Json(reply).into_response(),
        Err(failure) => oauth_error(failure),
    };
    no_store(response)
}

/// RFC 6749 §5.2 errors, with the envelope's `message` and `code` beside.
fn oauth_error(failure: OAuthFailure) -> Response {
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

/// The empty object `/oauth/revoke` answers.
#[derive(Serialize)]
pub struct Revoked {}

impl utoipa::PartialSchema for Revoked {
    fn schema() -> RefOr<Schema> {
        // The one value `{}` (an enum, since a schema without properties
        // would not say what the body holds).
        app::model::schema::of(serde_json::json!({"type": "object", "enum": [{}]}))
    }
}

impl utoipa::ToSchema for Revoked {}

/// Revoke a token and its refresh family (RFC 7009; 200 for unknown tokens)
///
/// `200 {}` for every authenticated client, whether or not the token was
/// known; errors as at the token endpoint.
#[utoipa::path(
    post,
    path = "/revoke",
    tag = "OAuth",
    request_body(content = RevokeForm, content_type = "application/x-www-form-urlencoded"),
    extensions(("x-access" = json!("public"))),
    responses((status = 200, description = "Revoked, or nothing to revoke", body = Revoked))
)]
pub async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<RevokeForm>, FormRejection>,
) -> Response {
    let result = match form {
        Ok(Form(form)) => oauth::revoke(&state, &form, basic_auth(&headers)).await,
        Err(e) => Err(OAuthFailure::InvalidRequest(e.body_text())),
    };
    no_store(match result {
        // The body is ignored by clients (RFC 7009 §2.2); JSON, as every
        // /oauth answer is.
        Ok(()) => Json(Revoked {}).into_response(),
        Err(failure) => oauth_error(failure),
    })
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
