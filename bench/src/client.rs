//! A phone, minus the phone: one HTTP/1 client over keep-alive connections,
//! a cookie jar per phone, and the requests a phone's browser makes (forms as
//! `application/x-www-form-urlencoded`, the outbox's JSON), with the `Origin`
//! header a browser sends with every POST.

use anyhow::{anyhow, Context};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{header, Method, Request, StatusCode, Uri};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// How long one request may take before it counts as a connection error
/// (and is sent again, as a phone would).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The shared HTTP client: connections are kept alive and reused, as a
/// phone's browser keeps its connection to the server.
pub type Http = Client<HttpConnector, Full<Bytes>>;

/// A client with room for every phone's connection.
pub fn http(max_idle: usize) -> Http {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(max_idle)
        .pool_idle_timeout(Duration::from_secs(5))
        .build(connector)
}

/// What came back for one request.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    /// `Location`, which server functions use to say where the form leads.
    pub location: Option<String>,
    pub body: Bytes,
    /// From sending the request to the last byte of the answer.
    pub took: Duration,
}

impl Reply {
    /// The body as text, for error messages.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body)
            .chars()
            .take(300)
            .collect()
    }

    /// The body read as JSON.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> anyhow::Result<T> {
        serde_json::from_slice(&self.body)
            .with_context(|| format!("not the expected JSON: {}", self.text()))
    }
}

/// The body of a request and its type.
#[derive(Debug, Clone)]
pub enum Body {
    None,
    Form(String),
    Json(String),
}

/// One browser: its server, its cookies.
#[derive(Debug, Clone)]
pub struct Browser {
    /// `http://host:port`, also sent as `Origin`.
    pub base: String,
    pub cookies: BTreeMap<String, String>,
}

impl Browser {
    pub fn new(base: &str) -> Self {
        Self {
            base: base.trim_end_matches('/').to_owned(),
            cookies: BTreeMap::new(),
        }
    }

    /// Sends one request with the kept cookies and keeps the cookies that
    /// come back. `Err` is a connection error or a timeout: no answer.
    pub async fn send(
        &mut self,
        http: &Http,
        method: Method,
        path: &str,
        body: &Body,
    ) -> anyhow::Result<Reply> {
        let uri: Uri = format!("{}{path}", self.base).parse()?;
        let mut req = Request::builder().method(method.clone()).uri(uri);
        if method == Method::POST {
            req = req.header(header::ORIGIN, &self.base);
        }
        if !self.cookies.is_empty() {
            let jar = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            req = req.header(header::COOKIE, jar);
        }
        let payload = match body {
            Body::None => Bytes::new(),
            Body::Form(form) => {
                req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                Bytes::from(form.clone())
            }
            Body::Json(json) => {
                req = req
                    .header(header::CONTENT_TYPE, "application/json")
                    .header(header::ACCEPT, "application/json");
                Bytes::from(json.clone())
            }
        };
        let req = req.body(Full::new(payload))?;
        let start = Instant::now();
        let exchange = async {
            let res = http.request(req).await?;
            let (parts, body) = res.into_parts();
            let bytes = body.collect().await?.to_bytes();
            anyhow::Ok((parts, bytes))
        };
        let (parts, bytes) = tokio::time::timeout(REQUEST_TIMEOUT, exchange)
            .await
            .map_err(|_| anyhow!("{path}: no answer within {REQUEST_TIMEOUT:?}"))??;
        let took = start.elapsed();
        for value in parts.headers.get_all(header::SET_COOKIE) {
            if let Ok(value) = value.to_str() {
                self.keep_cookie(value);
            }
        }
        Ok(Reply {
            status: parts.status,
            location: parts
                .headers
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            body: bytes,
            took,
        })
    }

    /// Keeps (or, when emptied or expired, forgets) one `Set-Cookie`.
    pub fn keep_cookie(&mut self, set_cookie: &str) {
        let mut parts = set_cookie.split(';');
        let Some((name, value)) = parts.next().and_then(|p| p.trim().split_once('=')) else {
            return;
        };
        let removed = value.is_empty() || parts.any(|a| a.trim().eq_ignore_ascii_case("max-age=0"));
        if removed {
            self.cookies.remove(name);
        } else {
            self.cookies.insert(name.to_owned(), value.to_owned());
        }
    }

    /// A form post that must answer 2xx (setup steps, not measured).
    pub async fn post_ok(&mut self, http: &Http, path: &str, form: &str) -> anyhow::Result<Reply> {
        let reply = self
            .send(http, Method::POST, path, &Body::Form(form.to_owned()))
            .await?;
        if !reply.status.is_success() {
            return Err(anyhow!("{path}: {} {}", reply.status, reply.text()));
        }
        Ok(reply)
    }
}

/// Percent-encodes a form value.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_kept_replaced_and_removed() {
        let mut browser = Browser::new("http://127.0.0.1:1/");
        assert_eq!(browser.base, "http://127.0.0.1:1");
        browser.keep_cookie("stegvis_session=abc; Path=/; HttpOnly; SameSite=Lax");
        browser.keep_cookie("stegvis_device=d1; Max-Age=31536000");
        assert_eq!(browser.cookies.len(), 2);
        browser.keep_cookie("stegvis_session=def; Path=/");
        assert_eq!(browser.cookies["stegvis_session"], "def");
        browser.keep_cookie("stegvis_device=; Max-Age=0");
        assert!(!browser.cookies.contains_key("stegvis_device"));
    }

    #[test]
    fn form_values_are_percent_encoded() {
        assert_eq!(encode("a b&c=ö"), "a%20b%26c%3D%C3%B6");
        assert_eq!(encode("AB12-x_y.z~"), "AB12-x_y.z~");
    }
}
