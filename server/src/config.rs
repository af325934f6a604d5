//! Configuration: environment variables over an optional TOML file over defaults.
//!
//! Nothing is required: with no configuration at all the server listens on
//! 127.0.0.1:3000 and keeps its SQLite database in `./data`.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use stegvis_store::SecretKey;

/// Settings the server runs with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Address to listen on (`STEGVIS_ADDR`).
    pub addr: SocketAddr,
    /// Directory for the SQLite database (`STEGVIS_DATA_DIR`).
    pub data_dir: PathBuf,
    /// Database URL (`DATABASE_URL`); defaults to `sqlite://<data_dir>/stegvis.db`.
    pub database_url: String,
    /// Log filter (`STEGVIS_LOG`, else `RUST_LOG`), e.g. `info` or `stegvis=debug`.
    pub log: String,
    /// `json` for one JSON object per log line, else human-readable (`STEGVIS_LOG_FORMAT`).
    pub log_json: bool,
    /// Built site: `pkg/` with JS, WASM and CSS, plus the public assets (`LEPTOS_SITE_ROOT`).
    pub site_root: PathBuf,
    /// Instrument file new check-ins use (`STEGVIS_INSTRUMENT`); the built-in default when unset.
    pub instrument: Option<PathBuf>,
    /// Seed demo data into an empty database (`STEGVIS_DEMO=1`).
    pub demo: bool,
    /// Days before and after its date a follow-up can be answered
    /// (`STEGVIS_WINDOW_BEFORE_DAYS`, `STEGVIS_WINDOW_AFTER_DAYS`; 14 and 28).
    pub window: stegvis_domain::schedule::Window,
    /// Mark cookies `Secure` (`STEGVIS_SECURE_COOKIES`, default on). Browsers
    /// accept secure cookies on http://localhost and 127.0.0.1; turn it off
    /// only to try the app from another device over plain HTTP.
    pub secure_cookies: bool,
    /// The address participants and staff reach the app at
    /// (`STEGVIS_PUBLIC_URL`, e.g. `https://stegvis.forbundet.se`), as an
    /// origin: scheme, host and port, no path. Printed links and QR codes
    /// are built from it, and a browser's `Origin` must equal it. Required
    /// outside demo mode (see [`Config::public_origin`]); a request's `Host`
    /// header is never used instead.
    pub public_url: Option<String>,
    /// Limits on connections: header and body read timeouts
    /// (`STEGVIS_HEADER_TIMEOUT_SECS`, `STEGVIS_BODY_TIMEOUT_SECS`) and the
    /// number served at once (`STEGVIS_MAX_CONNECTIONS`).
    pub limits: crate::serve::Limits,
    /// The database pool: connections kept (`STEGVIS_DB_MAX_CONNECTIONS`,
    /// default 8) and how long a request waits for one before it is answered
    /// 503 (`STEGVIS_DB_ACQUIRE_TIMEOUT_SECS`, default 10). See
    /// docs/operations.md, "Database pool".
    pub pool: stegvis_store::PoolSettings,
    /// Take the client address from `X-Forwarded-For` (`STEGVIS_TRUST_PROXY`),
    /// only when a reverse proxy sets it.
    pub trust_proxy: bool,
    /// The key that seals TOTP secrets and personnummer and keys the hashes
    /// of access codes (`STEGVIS_SECRET_KEY`: 32 random bytes in base64 or
    /// hex). Kept out of the database, so a copy of it reveals none of them.
    pub secret_key: Option<SecretKey>,
    /// A file holding the key instead (`STEGVIS_SECRET_KEY_FILE`). With
    /// neither, the server uses `<data_dir>/secret.key`, generated on the
    /// first start.
    pub secret_key_file: Option<PathBuf>,
    /// Earlier keys, which only open values sealed before a rotation
    /// (`STEGVIS_OLD_SECRET_KEYS`, separated by commas).
    pub old_secret_keys: Vec<SecretKey>,
    /// How often the server runs retention by itself: erases records past
    /// their organisation's retention period and prunes sessions, failed
    /// attempts and spent codes (`STEGVIS_RETENTION_HOURS`, default 24;
    /// `off` or `0` when `stegvis retention` runs from cron instead).
    pub retention_every: Option<std::time::Duration>,
    /// How people report an accessibility problem, shown on the
    /// accessibility statement (`STEGVIS_ACCESSIBILITY_CONTACT`, e.g.
    /// `tillganglighet@forbundet.se eller 08-123 45 67`). DOS-lagen asks every
    /// public body to give one; without it the statement tells people to ask
    /// their case manager. One line of plain text, at most 300 characters.
    pub accessibility_contact: Option<String>,
}

/// Why the configuration could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("{name} = {value:?} is not valid: {message}")]
    Value {
        name: &'static str,
        value: String,
        message: String,
    },
    /// A secret setting that is wrong; the value is never repeated.
    #[error("{name} is not valid: {message}")]
    Secret { name: &'static str, message: String },
}

/// The optional file (`STEGVIS_CONFIG`, else `./stegvis.toml` when present).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    addr: Option<String>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    log: Option<String>,
    log_format: Option<String>,
    site_root: Option<PathBuf>,
    instrument: Option<PathBuf>,
    demo: Option<bool>,
    window_before_days: Option<u32>,
    window_after_days: Option<u32>,
    secure_cookies: Option<bool>,
    public_url: Option<String>,
    trust_proxy: Option<bool>,
    header_timeout_secs: Option<u64>,
    body_timeout_secs: Option<u64>,
    max_connections: Option<usize>,
    db_max_connections: Option<u32>,
    db_acquire_timeout_secs: Option<u64>,
    secret_key_file: Option<PathBuf>,
    /// 0 turns the server's own retention run off.
    retention_hours: Option<u64>,
    accessibility_contact: Option<String>,
}

impl Config {
    /// Reads the process environment and the optional file.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let file = match lookup("STEGVIS_CONFIG") {
            Some(path) => read_file(Path::new(&path))?,
            None if Path::new("stegvis.toml").exists() => read_file(Path::new("stegvis.toml"))?,
            None => FileConfig::default(),
        };
        let addr_text = lookup("STEGVIS_ADDR")
            .or(file.addr)
            .unwrap_or_else(|| "127.0.0.1:3000".into());
        let addr = addr_text
            .parse()
            .map_err(|e: std::net::AddrParseError| ConfigError::Value {
                name: "STEGVIS_ADDR",
                value: addr_text.clone(),
                message: e.to_string(),
            })?;
        let data_dir = lookup("STEGVIS_DATA_DIR")
            .map(PathBuf::from)
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("data"));
        let database_url = lookup("DATABASE_URL")
            .or(file.database_url)
            .unwrap_or_else(|| format!("sqlite://{}/stegvis.db", data_dir.display()));
        let log = lookup("STEGVIS_LOG")
            .or_else(|| lookup("RUST_LOG"))
            .or(file.log)
            .unwrap_or_else(|| "info".into());
        let log_format = lookup("STEGVIS_LOG_FORMAT").or(file.log_format);
        let demo = match lookup("STEGVIS_DEMO") {
            Some(v) => parse_bool("STEGVIS_DEMO", &v)?,
            None => file.demo.unwrap_or(false),
        };
        let default_window = stegvis_domain::schedule::Window::default();
        let default_limits = crate::serve::Limits::default();
        let default_pool = stegvis_store::PoolSettings::default();
        let pool = stegvis_store::PoolSettings {
            max_connections: ranged(
                &lookup,
                ("STEGVIS_DB_MAX_CONNECTIONS", "db_max_connections"),
                file.db_max_connections,
                DB_CONNECTIONS,
            )?
            .unwrap_or(default_pool.max_connections),
            acquire_timeout: ranged(
                &lookup,
                ("STEGVIS_DB_ACQUIRE_TIMEOUT_SECS", "db_acquire_timeout_secs"),
                file.db_acquire_timeout_secs,
                SECONDS,
            )?
            .map_or(default_pool.acquire_timeout, std::time::Duration::from_secs),
        };
        let window = stegvis_domain::schedule::Window {
            before_days: ranged(
                &lookup,
                ("STEGVIS_WINDOW_BEFORE_DAYS", "window_before_days"),
                file.window_before_days,
                DAYS,
            )?
            .unwrap_or(default_window.before_days),
            after_days: ranged(
                &lookup,
                ("STEGVIS_WINDOW_AFTER_DAYS", "window_after_days"),
                file.window_after_days,
                DAYS,
            )?
            .unwrap_or(default_window.after_days),
        };
        let secure_cookies = match lookup("STEGVIS_SECURE_COOKIES") {
            Some(v) => parse_bool("STEGVIS_SECURE_COOKIES", &v)?,
            None => file.secure_cookies.unwrap_or(true),
        };
        let trust_proxy = match lookup("STEGVIS_TRUST_PROXY") {
            Some(v) => parse_bool("STEGVIS_TRUST_PROXY", &v)?,
            None => file.trust_proxy.unwrap_or(false),
        };
        let secret_key = lookup("STEGVIS_SECRET_KEY")
            .filter(|k| !k.trim().is_empty())
            .map(|k| secret("STEGVIS_SECRET_KEY", &k))
            .transpose()?;
        let secret_key_file = lookup("STEGVIS_SECRET_KEY_FILE")
            .filter(|f| !f.is_empty())
            .map(PathBuf::from)
            .or(file.secret_key_file);
        if secret_key.is_some() && secret_key_file.is_some() {
            return Err(ConfigError::Secret {
                name: "STEGVIS_SECRET_KEY",
                message: "set either STEGVIS_SECRET_KEY or STEGVIS_SECRET_KEY_FILE, not both"
                    .into(),
            });
        }
        let old_secret_keys = lookup("STEGVIS_OLD_SECRET_KEYS")
            .unwrap_or_default()
            .split(',')
            .filter(|k| !k.trim().is_empty())
            .map(|k| secret("STEGVIS_OLD_SECRET_KEYS", k))
            .collect::<Result<Vec<_>, _>>()?;
        let retention_every = retention_hours(
            lookup("STEGVIS_RETENTION_HOURS")
                .or(file.retention_hours.map(|h| h.to_string()))
                .as_deref(),
        )?;
        let accessibility_contact = lookup("STEGVIS_ACCESSIBILITY_CONTACT")
            .or(file.accessibility_contact)
            .map(|c| {
                // Shown to every visitor: one line of plain text, with no
                // control, direction or invisible characters, like staff input.
                stegvis_domain::text::optional_plain_text(
                    c.trim(),
                    "STEGVIS_ACCESSIBILITY_CONTACT",
                    300,
                )
                .map_err(|e| ConfigError::Value {
                    name: "STEGVIS_ACCESSIBILITY_CONTACT",
                    value: c.clone(),
                    message: format!("{e} (one line of plain text, at most 300 characters)"),
                })
            })
            .transpose()?
            .flatten();
        Ok(Self {
            accessibility_contact,
            retention_every,
            secret_key,
            secret_key_file,
            old_secret_keys,
            secure_cookies,
            trust_proxy,
            public_url: lookup("STEGVIS_PUBLIC_URL")
                .or(file.public_url)
                .filter(|u| !u.is_empty())
                .map(|u| origin_of("STEGVIS_PUBLIC_URL", &u))
                .transpose()?,
            limits: crate::serve::Limits {
                header_read: ranged(
                    &lookup,
                    ("STEGVIS_HEADER_TIMEOUT_SECS", "header_timeout_secs"),
                    file.header_timeout_secs,
                    SECONDS,
                )?
                .map_or(default_limits.header_read, std::time::Duration::from_secs),
                body_read: ranged(
                    &lookup,
                    ("STEGVIS_BODY_TIMEOUT_SECS", "body_timeout_secs"),
                    file.body_timeout_secs,
                    SECONDS,
                )?
                .map_or(default_limits.body_read, std::time::Duration::from_secs),
                max_connections: ranged(
                    &lookup,
                    ("STEGVIS_MAX_CONNECTIONS", "max_connections"),
                    file.max_connections,
                    CONNECTIONS,
                )?
                .unwrap_or(default_limits.max_connections),
            },
            window,
            pool,
            addr,
            data_dir,
            database_url,
            log,
            log_json: log_format.as_deref() == Some("json"),
            site_root: lookup("LEPTOS_SITE_ROOT")
                .map(PathBuf::from)
                .or(file.site_root)
                .unwrap_or_else(|| PathBuf::from("target/site")),
            instrument: lookup("STEGVIS_INSTRUMENT")
                .map(PathBuf::from)
                .or(file.instrument),
            demo,
        })
    }
}

impl Config {
    /// The origin links are built from and browsers' `Origin` headers are
    /// compared with: `STEGVIS_PUBLIC_URL`, or in demo mode the address the
    /// server listens on (`bound`, an unspecified address read as loopback).
    /// Outside demo mode a missing public URL stops the start, since the
    /// only other source would be the request's `Host` header, which any
    /// client sets to anything.
    pub fn public_origin(&self, bound: SocketAddr) -> Result<String, ConfigError> {
        if let Some(url) = &self.public_url {
            return Ok(url.clone());
        }
        if !self.demo {
            return Err(ConfigError::Value {
                name: "STEGVIS_PUBLIC_URL",
                value: String::new(),
                message: "required: the address people reach Stegvis at, e.g. \
                          https://stegvis.forbundet.se (printed access sheets link there, and \
                          forms are only taken from that origin)"
                    .into(),
            });
        }
        let ip = match bound.ip() {
            std::net::IpAddr::V4(ip) if ip.is_unspecified() => {
                std::net::IpAddr::from(std::net::Ipv4Addr::LOCALHOST)
            }
            std::net::IpAddr::V6(ip) if ip.is_unspecified() => {
                std::net::IpAddr::from(std::net::Ipv6Addr::LOCALHOST)
            }
            ip => ip,
        };
        Ok(format!("http://{}", SocketAddr::new(ip, bound.port())))
    }
}

/// A public URL as its origin (`scheme://host[:port]`, default port left
/// out, host lower-cased), or an error naming the setting. Only http and
/// https, with nothing after the host but an optional `/`.
pub fn origin_of(name: &'static str, value: &str) -> Result<String, ConfigError> {
    let invalid = |message: &str| ConfigError::Value {
        name,
        value: value.to_owned(),
        message: message.to_owned(),
    };
    let url = url::Url::parse(value.trim()).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("expected an http:// or https:// address"));
    }
    if url.host().is_none() {
        return Err(invalid("expected an address with a host name"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("expected no user name or password in the address"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(
            "expected only scheme, host and port (Stegvis is served from the root)",
        ));
    }
    Ok(url.origin().ascii_serialization())
}

fn read_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

/// Whole-number settings and their allowed ranges, with how the error
/// message names them.
type Range<T> = (std::ops::RangeInclusive<T>, &'static str);
const DAYS: Range<u32> = (0..=366, "a number of days");
const SECONDS: Range<u64> = (1..=3600, "a number of seconds");
const CONNECTIONS: Range<usize> = (1..=100_000, "a number");
const DB_CONNECTIONS: Range<u32> = (1..=1_000, "a number");

/// A whole-number setting from the environment (`env`), else from the file
/// (`key`), checked against `range` wherever it came from: a file must not
/// slip in what the environment would be refused (0 connections served at
/// once waits forever, a 0-second timeout cuts every request off). The
/// error names the setting as it was given.
fn ranged<T>(
    lookup: &impl Fn(&str) -> Option<String>,
    (env, key): (&'static str, &'static str),
    file: Option<T>,
    (range, what): Range<T>,
) -> Result<Option<T>, ConfigError>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display,
{
    let (name, value) = match (lookup(env), file) {
        (Some(value), _) => (env, value),
        (None, Some(value)) => (key, value.to_string()),
        (None, None) => return Ok(None),
    };
    match value.parse::<T>() {
        Ok(n) if range.contains(&n) => Ok(Some(n)),
        _ => Err(ConfigError::Value {
            name,
            message: format!("expected {what} from {} to {}", range.start(), range.end()),
            value,
        }),
    }
}

/// Reads a secret key, naming the setting but never repeating the value.
fn secret(name: &'static str, value: &str) -> Result<SecretKey, ConfigError> {
    SecretKey::parse(value).map_err(|e| ConfigError::Secret {
        name,
        message: e.to_string(),
    })
}

fn parse_bool(name: &'static str, value: &str) -> Result<bool, ConfigError> {
    match value {
        "1" | "true" | "yes" => Ok(true),
        "0" | "false" | "no" | "" => Ok(false),
        _ => Err(ConfigError::Value {
            name,
            value: value.into(),
            message: "expected 1/0, true/false or yes/no".into(),
        }),
    }
}

/// `STEGVIS_RETENTION_HOURS`: hours between retention runs (1 to 8760),
/// default 24; `off` or `0` turns the server's own run off.
fn retention_hours(value: Option<&str>) -> Result<Option<std::time::Duration>, ConfigError> {
    let Some(text) = value.map(str::trim) else {
        return Ok(Some(std::time::Duration::from_secs(24 * 3600)));
    };
    if text == "off" || text == "0" {
        return Ok(None);
    }
    match text.parse::<u64>() {
        Ok(hours @ 1..=8760) => Ok(Some(std::time::Duration::from_secs(hours * 3600))),
        _ => Err(ConfigError::Value {
            name: "STEGVIS_RETENTION_HOURS",
            value: text.to_owned(),
            message: "hours between 1 and 8760, or off".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_need_no_configuration() {
        let c = config(&[("STEGVIS_CONFIG", "/dev/null")]).unwrap();
        assert_eq!(c.addr, "127.0.0.1:3000".parse().unwrap());
        assert_eq!(c.database_url, "sqlite://data/stegvis.db");
        assert!(!c.demo);
    }

    #[test]
    fn the_accessibility_contact_is_one_trimmed_line() {
        let c = config(&[("STEGVIS_CONFIG", "/dev/null")]).unwrap();
        assert_eq!(c.accessibility_contact, None);
        let c = config(&[
            ("STEGVIS_CONFIG", "/dev/null"),
            (
                "STEGVIS_ACCESSIBILITY_CONTACT",
                "  tillganglighet@forbundet.se  ",
            ),
        ])
        .unwrap();
        assert_eq!(
            c.accessibility_contact.as_deref(),
            Some("tillganglighet@forbundet.se")
        );
        for bad in [
            "rad ett\nrad två".to_owned(),
            "x".repeat(301),
            "08-123 45 67\u{202E}".to_owned(),
        ] {
            let err = config(&[
                ("STEGVIS_CONFIG", "/dev/null"),
                ("STEGVIS_ACCESSIBILITY_CONTACT", &bad),
            ])
            .unwrap_err();
            assert!(err.to_string().contains("STEGVIS_ACCESSIBILITY_CONTACT"));
        }
    }

    #[test]
    fn database_lives_in_the_data_directory_unless_a_url_is_given() {
        let c = config(&[
            ("STEGVIS_CONFIG", "/dev/null"),
            ("STEGVIS_DATA_DIR", "/srv/s"),
        ])
        .unwrap();
        assert_eq!(c.database_url, "sqlite:///srv/s/stegvis.db");
        let c = config(&[
            ("STEGVIS_CONFIG", "/dev/null"),
            ("STEGVIS_DATA_DIR", "/srv/s"),
            ("DATABASE_URL", "sqlite::memory:"),
        ])
        .unwrap();
        assert_eq!(c.database_url, "sqlite::memory:");
    }

    #[test]
    fn the_check_in_window_can_be_set_and_is_checked() {
        let c = config(&[("STEGVIS_CONFIG", "/dev/null")]).unwrap();
        assert_eq!((c.window.before_days, c.window.after_days), (14, 28));
        let c = config(&[
            ("STEGVIS_CONFIG", "/dev/null"),
            ("STEGVIS_WINDOW_BEFORE_DAYS", "7"),
            ("STEGVIS_WINDOW_AFTER_DAYS", "42"),
        ])
        .unwrap();
        assert_eq!((c.window.before_days, c.window.after_days), (7, 42));
        let err = config(&[
            ("STEGVIS_CONFIG", "/dev/null"),
            ("STEGVIS_WINDOW_AFTER_DAYS", "-1"),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("STEGVIS_WINDOW_AFTER_DAYS"));
    }

    #[test]
    fn secret_keys_are_read_checked_and_never_echoed() {
        let key = SecretKey::generate();
        let old = SecretKey::generate();
        let c = config(&[
            ("STEGVIS_CONFIG", "/dev/null"),
            ("STEGVIS_SECRET_KEY", key.to_base64().as_str()),
            (
                "STEGVIS_OLD_SECRET_KEYS",
                &format!("{}, ", old.to_base64().as_str()),
            ),
        ])
        .unwrap();
        assert_eq!(c.secret_key.as_ref(), Some(&key));
        assert_eq!(c.old_secret_keys, vec![old]);
        assert!(!format!("{c:?}").contains(key.to_base64().as_str()));
        let c = config(&[("STEGVIS_CONFIG", "/dev/null")]).unwrap();
        assert_eq!((c.secret_key, c.secret_key_file), (None, None));
        let wrong = "c2VjcmV0LWJ1dC10b28tc2hvcnQ=";
        let err = config(&[
            ("STEGVIS_CONFIG", "/dev/null"),
            ("STEGVIS_SECRET_KEY", wrong),
        ])
        .unwrap_err()
        .to_string();
        assert!(err.contains("STEGVIS_SECRET_KEY") && err.contains("32 random bytes"));
        assert!(!err.contains(wrong), "{err}");
        let err = config(&[
            ("STEGVIS_CONFIG", "/dev/null"),
            ("STEGVIS_SECRET_KEY", key.to_base64().as_str()),
            ("STEGVIS_SECRET_KEY_FILE", "/etc/stegvis/secret.key"),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("not both"));
    }

    #[test]
    fn the_public_url_is_an_origin_and_required_outside_demo_mode() {
        let bound: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        let c = config(&[("STEGVIS_CONFIG", "/dev/null")]).unwrap();
        let err = c.public_origin(bound).unwrap_err();
        assert!(err.to_string().contains("STEGVIS_PUBLIC_URL"), "{err}");
        // Demo mode: the listening address, never a request's Host.
        let c = config(&[("STEGVIS_CONFIG", "/dev/null"), ("STEGVIS_DEMO", "1")]).unwrap();
        assert_eq!(c.public_origin(bound).unwrap(), "http://127.0.0.1:8080");
        assert_eq!(
            c.public_origin("127.0.0.1:41234".parse().unwrap()).unwrap(),
            "http://127.0.0.1:41234"
        );
        for (given, origin) in [
            (
                "https://Stegvis.Forbundet.se/",
                "https://stegvis.forbundet.se",
            ),
            (
                "https://stegvis.forbundet.se:443",
                "https://stegvis.forbundet.se",
            ),
            ("http://192.168.1.5:3000", "http://192.168.1.5:3000"),
        ] {
            let c = config(&[
                ("STEGVIS_CONFIG", "/dev/null"),
                ("STEGVIS_PUBLIC_URL", given),
            ])
            .unwrap();
            assert_eq!(c.public_origin(bound).unwrap(), origin);
        }
        for bad in [
            "stegvis.forbundet.se",
            "ftp://stegvis.forbundet.se",
            "https://stegvis.forbundet.se/stegvis",
            "https://user:pw@stegvis.forbundet.se",
            "https://stegvis.forbundet.se/?x=1",
        ] {
            let err = config(&[("STEGVIS_CONFIG", "/dev/null"), ("STEGVIS_PUBLIC_URL", bad)])
                .unwrap_err();
            assert!(
                err.to_string().contains("STEGVIS_PUBLIC_URL"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn connection_limits_have_safe_defaults_and_can_be_set() {
        let c = config(&[("STEGVIS_CONFIG", "/dev/null")]).unwrap();
        assert_eq!(c.limits, crate::serve::Limits::default());
        assert_eq!(c.limits.header_read, std::time::Duration::from_secs(10));
        assert_eq!(c.limits.body_read, std::time::Duration::from_secs(30));
        let c = config(&[
            ("STEGVIS_CONFIG", "/dev/null"),
            ("STEGVIS_HEADER_TIMEOUT_SECS", "5"),
            ("STEGVIS_BODY_TIMEOUT_SECS", "20"),
            ("STEGVIS_MAX_CONNECTIONS", "64"),
        ])
        .unwrap();
        assert_eq!(c.limits.header_read, std::time::Duration::from_secs(5));
        assert_eq!(c.limits.body_read, std::time::Duration::from_secs(20));
        assert_eq!(c.limits.max_connections, 64);
        assert_eq!(c.pool, stegvis_store::PoolSettings::default());
        let c = config(&[
            ("STEGVIS_CONFIG", "/dev/null"),
            ("STEGVIS_DB_MAX_CONNECTIONS", "40"),
            ("STEGVIS_DB_ACQUIRE_TIMEOUT_SECS", "3"),
        ])
        .unwrap();
        assert_eq!(c.pool.max_connections, 40);
        assert_eq!(c.pool.acquire_timeout, std::time::Duration::from_secs(3));
        for (name, bad) in [
            ("STEGVIS_HEADER_TIMEOUT_SECS", "0"),
            ("STEGVIS_BODY_TIMEOUT_SECS", "x"),
            ("STEGVIS_MAX_CONNECTIONS", "0"),
            ("STEGVIS_DB_MAX_CONNECTIONS", "0"),
            ("STEGVIS_DB_MAX_CONNECTIONS", "5000"),
            ("STEGVIS_DB_ACQUIRE_TIMEOUT_SECS", "0"),
        ] {
            let err = config(&[("STEGVIS_CONFIG", "/dev/null"), (name, bad)]).unwrap_err();
            assert!(err.to_string().contains(name), "{err}");
        }
    }

    #[test]
    fn limits_from_the_file_are_checked_like_the_environment() {
        let dir = std::env::temp_dir().join(format!("stegvis-limits-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("stegvis.toml");
        let p = path.to_str().unwrap();
        for key in [
            "header_timeout_secs",
            "body_timeout_secs",
            "max_connections",
            "db_max_connections",
            "db_acquire_timeout_secs",
            "window_after_days",
        ] {
            let bad = if key == "window_after_days" {
                "400"
            } else {
                "0"
            };
            std::fs::write(&path, format!("{key} = {bad}\n")).unwrap();
            let err = config(&[("STEGVIS_CONFIG", p)]).unwrap_err();
            assert!(
                matches!(&err, ConfigError::Value { name, .. } if *name == key),
                "{key}: {err}"
            );
            assert!(err.to_string().contains(key), "{err}");
        }
        std::fs::write(&path, "max_connections = 64\nbody_timeout_secs = 20\n").unwrap();
        let c = config(&[("STEGVIS_CONFIG", p)]).unwrap();
        assert_eq!(c.limits.max_connections, 64);
        assert_eq!(c.limits.body_read, std::time::Duration::from_secs(20));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_bad_address_is_named() {
        let err =
            config(&[("STEGVIS_CONFIG", "/dev/null"), ("STEGVIS_ADDR", "nowhere")]).unwrap_err();
        assert!(err.to_string().contains("STEGVIS_ADDR"));
    }

    #[test]
    fn the_file_is_read_and_the_environment_wins() {
        let dir = std::env::temp_dir().join(format!("stegvis-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("stegvis.toml");
        std::fs::write(
            &path,
            "addr = \"0.0.0.0:8080\"\ndemo = true\nlog = \"debug\"\n",
        )
        .unwrap();
        let p = path.to_str().unwrap();
        let c = config(&[("STEGVIS_CONFIG", p), ("STEGVIS_LOG", "warn")]).unwrap();
        assert_eq!(c.addr, "0.0.0.0:8080".parse().unwrap());
        assert!(c.demo);
        assert_eq!(c.log, "warn");
        std::fs::write(&path, "adress = \"x\"\n").unwrap();
        assert!(matches!(
            config(&[("STEGVIS_CONFIG", p)]),
            Err(ConfigError::Parse { .. })
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn retention_runs_daily_unless_turned_off() {
        use std::time::Duration;
        assert_eq!(
            retention_hours(None).unwrap(),
            Some(Duration::from_secs(24 * 3600))
        );
        assert_eq!(
            retention_hours(Some("6")).unwrap(),
            Some(Duration::from_secs(6 * 3600))
        );
        assert_eq!(retention_hours(Some("off")).unwrap(), None);
        assert_eq!(retention_hours(Some("0")).unwrap(), None);
        assert!(retention_hours(Some("-1")).is_err());
        assert!(retention_hours(Some("9999")).is_err());
    }
}
