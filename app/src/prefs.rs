//! The participant's display choices: language, pictures or text only, and text
//! size. Kept in a cookie so they hold on every page and survive without
//! JavaScript; the server renders them into `<html>` (`lang`, `dir`,
//! `data-pictures`, `data-text-size`), and the browser reads them back from
//! there, so both sides always agree.

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::participant_error::ParticipantError;
use crate::texts::Lang;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Name of the preferences cookie.
pub const COOKIE: &str = "stegvis_prefs";

/// How big the text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum TextSize {
    #[default]
    Normal,
    Large,
    Larger,
}

impl TextSize {
    pub const ALL: [TextSize; 3] = [TextSize::Normal, TextSize::Large, TextSize::Larger];

    pub fn code(self) -> &'static str {
        match self {
            TextSize::Normal => "normal",
            TextSize::Large => "large",
            TextSize::Larger => "larger",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// The display choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prefs {
    pub lang: Lang,
    /// Text with pictures (the default) or text only.
    pub pictures: bool,
    pub text_size: TextSize,
}

impl Default for Prefs {
    fn default() -> Self {
        Self {
            lang: Lang::SV,
            pictures: true,
            text_size: TextSize::Normal,
        }
    }
}

impl Prefs {
    /// Cookie value, e.g. `sv.1.normal` (no characters a cookie must escape).
    pub fn to_cookie_value(self) -> String {
        format!(
            "{}.{}.{}",
            self.lang.code(),
            u8::from(self.pictures),
            self.text_size.code()
        )
    }

    /// Reads a cookie value; anything unreadable gives the defaults.
    pub fn from_cookie_value(value: &str) -> Self {
        let mut parts = value.split('.');
        let mut prefs = Self::default();
        if let Some(lang) = parts.next().and_then(Lang::from_code) {
            prefs.lang = lang;
        }
        if let Some(p) = parts.next() {
            prefs.pictures = p != "0";
        }
        if let Some(size) = parts.next().and_then(TextSize::from_code) {
            prefs.text_size = size;
        }
        prefs
    }

    /// Finds the preferences cookie in a `Cookie` request header.
    pub fn from_cookie_header(header: &str) -> Self {
        cookie_value(header, COOKIE)
            .map(Self::from_cookie_value)
            .unwrap_or_default()
    }
}

/// The value of cookie `name` in a `Cookie` request header: the one reader
/// of that header for every cookie the app and server look at.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(key, value)| (key == name).then_some(value))
}

/// The preferences of the current request (server) or page (browser).
pub fn current_prefs() -> Prefs {
    #[cfg(feature = "ssr")]
    {
        use_context::<axum::http::request::Parts>()
            .and_then(|parts| {
                parts
                    .headers
                    .get(axum::http::header::COOKIE)
                    .and_then(|v| v.to_str().ok())
                    .map(Prefs::from_cookie_header)
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        let Some(html) = document().document_element() else {
            return Prefs::default();
        };
        let attr = |name: &str| html.get_attribute(name).unwrap_or_default();
        Prefs {
            lang: Lang::from_code(&attr("lang")).unwrap_or_default(),
            pictures: attr("data-pictures") != "off",
            text_size: TextSize::from_code(&attr("data-text-size")).unwrap_or_default(),
        }
    }
}

/// Longest path returned to after saving; a page's path is far shorter.
const MAX_RETURN_PATH: usize = 512;

/// Only paths on this site may be returned to after saving. Strict, because
/// the path goes into a `Location` header: printable ASCII only (no control
/// characters, which cannot be in a header, no spaces, no backslashes), one
/// leading slash, and the same once percent-escapes are decoded, so neither
/// `//evil.example` nor `/%09/evil.example` (a browser drops the tab) leaves
/// the site.
#[cfg_attr(not(feature = "ssr"), allow(dead_code))]
fn is_local_path(path: &str) -> bool {
    // Decoded, bytes of UTF-8 letters (0x80 and up) are fine; as sent, only ASCII.
    fn plain(p: &[u8], decoded: bool) -> bool {
        p.first() == Some(&b'/')
            && p.get(1) != Some(&b'/')
            && p.iter()
                .all(|b| (b.is_ascii_graphic() || (decoded && *b >= 0x80)) && *b != b'\\')
    }
    path.len() <= MAX_RETURN_PATH
        && plain(path.as_bytes(), false)
        && plain(&percent_decoded(path.as_bytes()), true)
}

/// `%xx` escapes decoded to their bytes (malformed ones left as they are).
#[cfg_attr(not(feature = "ssr"), allow(dead_code))]
fn percent_decoded(bytes: &[u8]) -> Vec<u8> {
    let hex = |b: u8| char::from(b).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| Some((hex(*bytes.get(i + 1)?)?, hex(*bytes.get(i + 2)?)?)))
            .flatten();
        match escaped {
            Some((hi, lo)) => {
                out.push(u8::try_from(hi * 16 + lo).unwrap_or(b'?'));
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    out
}

/// Saves the display choices and returns to the page they were made on. Sent
/// as an ordinary form post, so the whole page is drawn again in the new
/// language and direction.
#[server(prefix = "/api", endpoint = "preferences")]
pub async fn save_preferences(
    lang: String,
    pictures: String,
    size: String,
    return_to: String,
) -> Result<(), AppError> {
    let prefs = Prefs {
        lang: Lang::from_code(&lang).ok_or(ParticipantError::UnknownLanguage)?,
        pictures: match pictures.as_str() {
            "on" => true,
            "off" => false,
            _ => return Err(ParticipantError::ChoosePictures.into()),
        },
        text_size: TextSize::from_code(&size).ok_or(ParticipantError::ChooseTextSize)?,
    };
    let back = if is_local_path(&return_to) {
        return_to
    } else {
        "/".into()
    };
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        let cookie = format!(
            "{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            prefs.to_cookie_value()
        );
        if let Ok(value) = axum::http::HeaderValue::from_str(&cookie) {
            res.append_header(axum::http::header::SET_COOKIE, value);
        }
    }
    leptos_axum::redirect(&back);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preferences_round_trip_through_the_cookie() {
        let prefs = Prefs {
            lang: Lang::from_code("ar").unwrap(),
            pictures: false,
            text_size: TextSize::Larger,
        };
        assert_eq!(prefs.to_cookie_value(), "ar.0.larger");
        assert_eq!(Prefs::from_cookie_value("ar.0.larger"), prefs);
        assert_eq!(
            Prefs::from_cookie_header("a=b; stegvis_prefs=en.1.large; c=d"),
            Prefs {
                lang: Lang::from_code("en").unwrap(),
                pictures: true,
                text_size: TextSize::Large
            }
        );
    }

    #[test]
    fn unreadable_cookies_give_the_defaults() {
        assert_eq!(Prefs::from_cookie_header(""), Prefs::default());
        assert_eq!(Prefs::from_cookie_value("xx.?.huge"), Prefs::default());
    }

    #[test]
    fn only_local_paths_are_returned_to() {
        assert!(is_local_path("/svara/fraga/2"));
        assert!(!is_local_path("//evil.example/"));
        assert!(!is_local_path("https://evil.example/"));
        assert!(!is_local_path("/\\evil"));
    }

    #[test]
    fn return_paths_that_could_break_a_header_or_leave_the_site_are_refused() {
        for bad in [
            "/\n",
            "/\r",
            "/\0",
            "/\t",
            "/a b",
            "/%0a",
            "/%0d",
            "/%00",
            "/%09/evil.example",
            "/%2fevil.example",
            "/%5cevil",
            "/\u{202e}",
            "",
            "svara",
        ] {
            assert!(!is_local_path(bad), "{bad:?} was accepted");
        }
        assert!(!is_local_path(&format!("/{}", "a".repeat(600))));
        assert!(is_local_path("/svara/fraga/2?x=%C3%A5"));
        assert!(is_local_path("/"));
    }
}
