//! Secrets at rest: the secret key, sealing (authenticated encryption) of the
//! values a database reader must not learn, and keyed hashes of access codes.
//!
//! A copy of the database (a backup, a stolen disk, a support dump) must not
//! give away what lets someone act as a person or find out who they are: TOTP
//! secrets, personnummer and unredeemed access codes. The store therefore
//! seals the first two with XChaCha20-Poly1305 under a key that lives outside
//! the database, and keeps only an HMAC-SHA256 of access codes (they are short,
//! so an unkeyed hash could be reversed by trying every code).
//!
//! Sealed text is `seal1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>`, with
//! a random 24-byte nonce per value. The associated data binds the value to its
//! column and row (`context`), so a sealed value copied into another row does
//! not open. The key id (8 hex digits derived from the key, never the key)
//! says which key sealed a value, so old keys can stay configured for reading
//! while [`crate::Store::rotate_secrets`] re-seals everything under the new one.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use zeroize::Zeroizing;

/// Length of a secret key in bytes (256 bits).
pub const KEY_LEN: usize = 32;

/// Prefix of every sealed value; a stored value without it is plain text from
/// a version before sealing.
pub const SEALED_PREFIX: &str = "seal1:";

/// Prefix of every access-code hash.
pub const CODE_HASH_PREFIX: &str = "hmac1:";

const NONCE_LEN: usize = 24;

/// Why a secret key was refused.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// Not 32 bytes in base64 or hex. Never includes the text itself.
    #[error("the secret key must be 32 random bytes written as base64 (44 characters) or hex (64 characters); this one is {0}")]
    Malformed(String),
}

/// Why a sealed value did not open.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("the value is not in the sealed format")]
    Format,
    #[error("the value was sealed under key {0}, which is not configured (set it in STEGVIS_OLD_SECRET_KEYS)")]
    UnknownKey(String),
    #[error(
        "the value does not authenticate under key {0}: it was altered or moved from another row"
    )]
    Tampered(String),
}

/// A 256-bit secret key. Its bytes are wiped when dropped and never printed.
#[derive(Clone)]
pub struct SecretKey {
    bytes: Zeroizing<[u8; KEY_LEN]>,
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretKey")
            .field("id", &self.id())
            .finish_non_exhaustive()
    }
}

/// Compares the key bytes (configuration tests); not constant-time, so
/// never used to check a key someone typed.
impl PartialEq for SecretKey {
    fn eq(&self, other: &Self) -> bool {
        self.bytes.as_ref() == other.bytes.as_ref()
    }
}

impl Eq for SecretKey {}

impl SecretKey {
    /// A fresh random key from the operating system's generator.
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        rand::rng().fill_bytes(bytes.as_mut());
        Self { bytes }
    }

    /// Reads a key written as base64 (standard or URL alphabet, padded or
    /// not) or as 64 hex digits; surrounding whitespace is ignored.
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let text = text.trim();
        let decoded: Option<Zeroizing<Vec<u8>>> =
            if text.len() == 2 * KEY_LEN && text.bytes().all(|b| b.is_ascii_hexdigit()) {
                hex_decode(text)
            } else {
                [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD]
                    .iter()
                    .find_map(|engine| engine.decode(text).ok())
                    .map(Zeroizing::new)
            };
        let Some(decoded) = decoded else {
            return Err(KeyError::Malformed(format!(
                "{} characters and neither base64 nor hex",
                text.chars().count()
            )));
        };
        let bytes: [u8; KEY_LEN] = decoded.as_slice().try_into().map_err(|_| {
            KeyError::Malformed(format!("{} bytes long, not {KEY_LEN}", decoded.len()))
        })?;
        Ok(Self {
            bytes: Zeroizing::new(bytes),
        })
    }

    /// The key as standard base64, for writing a key file.
    pub fn to_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(STANDARD.encode(self.bytes.as_ref()))
    }

    /// A short public name of the key (8 hex digits), stored with every value
    /// it seals. Derived one-way, so it says nothing about the key.
    pub fn id(&self) -> String {
        let id = self.derive(b"stegvis key id v1");
        id[..4].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// A sub-key for one purpose (HKDF-SHA256), so the sealing key, the code
    /// hashing key and the key id never share bytes.
    fn derive(&self, info: &[u8]) -> Zeroizing<[u8; KEY_LEN]> {
        let hk = hkdf::Hkdf::<Sha256>::new(Some(b"stegvis"), self.bytes.as_ref());
        let mut out = Zeroizing::new([0u8; KEY_LEN]);
        // 32 bytes is far below HKDF-SHA256's limit of 8160, so this cannot fail.
        if hk.expand(info, out.as_mut()).is_err() {
            unreachable!("HKDF output length is fixed and valid");
        }
        out
    }
}

fn hex_decode(text: &str) -> Option<Zeroizing<Vec<u8>>> {
    let digits = text.as_bytes();
    let mut out = Zeroizing::new(Vec::with_capacity(digits.len() / 2));
    for pair in digits.chunks(2) {
        let hi = char::from(pair[0]).to_digit(16)?;
        let lo = char::from(*pair.get(1)?).to_digit(16)?;
        out.push(u8::try_from(hi * 16 + lo).ok()?);
    }
    Some(out)
}

/// One key ready for use: its id, cipher and code-hashing key.
struct KeyMaterial {
    id: String,
    cipher: XChaCha20Poly1305,
    code_key: Zeroizing<[u8; KEY_LEN]>,
}

impl KeyMaterial {
    fn new(key: &SecretKey) -> Self {
        let seal_key = key.derive(b"stegvis seal v1");
        Self {
            id: key.id(),
            cipher: XChaCha20Poly1305::new(seal_key.as_ref().into()),
            code_key: key.derive(b"stegvis access code v1"),
        }
    }

    fn code_hash(&self, code: &str) -> String {
        // HMAC takes keys of any length, so this cannot fail.
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(self.code_key.as_ref()) else {
            unreachable!("HMAC accepts any key length");
        };
        mac.update(code.as_bytes());
        format!(
            "{CODE_HASH_PREFIX}{}:{}",
            self.id,
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        )
    }
}

/// The current key, which seals, and old keys, which only open (during a
/// rotation). Cheap to share behind an `Arc`.
pub struct Keyring {
    current: KeyMaterial,
    old: Vec<KeyMaterial>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring")
            .field("current", &self.current.id)
            .field(
                "old",
                &self.old.iter().map(|k| k.id.as_str()).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Keyring {
    /// A keyring sealing under `current` and still opening values sealed
    /// under any of `old`.
    pub fn new(current: &SecretKey, old: &[SecretKey]) -> Self {
        let current = KeyMaterial::new(current);
        let old = old
            .iter()
            .map(KeyMaterial::new)
            .filter(|k| k.id != current.id)
            .collect();
        Self { current, old }
    }

    /// A fixed key for tests and the benchmark tools. Never for real data:
    /// the key is in the source code.
    pub fn for_tests() -> Self {
        let key = SecretKey {
            bytes: Zeroizing::new([7u8; KEY_LEN]),
        };
        Self::new(&key, &[])
    }

    /// The id of the key that seals.
    pub fn current_id(&self) -> &str {
        &self.current.id
    }

    /// The ids of the keys that only open.
    pub fn old_ids(&self) -> Vec<&str> {
        self.old.iter().map(|k| k.id.as_str()).collect()
    }

    /// Seals `plaintext` under the current key for the row named by `context`.
    pub fn seal(&self, context: &str, plaintext: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let header = format!("{SEALED_PREFIX}{}:", self.current.id);
        let aad = format!("{header}{context}");
        let Ok(ciphertext) = self.current.cipher.encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plaintext.as_bytes(),
                aad: aad.as_bytes(),
            },
        ) else {
            // XChaCha20-Poly1305 only fails for messages of 256 GiB and more.
            unreachable!("sealing a short value cannot fail");
        };
        let mut body = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        body.extend_from_slice(&nonce);
        body.extend_from_slice(&ciphertext);
        format!("{header}{}", URL_SAFE_NO_PAD.encode(body))
    }

    /// Opens a value sealed by [`Keyring::seal`] for the same `context`.
    pub fn open(&self, context: &str, sealed: &str) -> Result<Zeroizing<String>, SealError> {
        let rest = sealed
            .strip_prefix(SEALED_PREFIX)
            .ok_or(SealError::Format)?;
        let (id, body) = rest.split_once(':').ok_or(SealError::Format)?;
        let key = self
            .key(id)
            .ok_or_else(|| SealError::UnknownKey(id.chars().take(16).collect()))?;
        let body = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| SealError::Format)?;
        if body.len() < NONCE_LEN {
            return Err(SealError::Format);
        }
        let (nonce, ciphertext) = body.split_at(NONCE_LEN);
        let aad = format!("{SEALED_PREFIX}{id}:{context}");
        let plain = key
            .cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| SealError::Tampered(id.to_owned()))?;
        String::from_utf8(plain)
            .map(Zeroizing::new)
            .map_err(|_| SealError::Tampered(id.to_owned()))
    }

    /// Whether `sealed` was sealed under a key other than the current one
    /// (or is not sealed at all), so a rotation must re-seal it.
    pub fn needs_resealing(&self, sealed: &str) -> bool {
        sealed_key_id(sealed) != Some(self.current.id.as_str())
    }

    /// The keyed hash of a canonical access code under the current key: what
    /// is stored.
    pub fn code_hash(&self, code: &str) -> String {
        self.current.code_hash(code)
    }

    /// The hashes of a code under every configured key, current first: what
    /// a code typed in is looked up by, so codes issued before a rotation
    /// keep working while their old key is configured.
    pub fn code_hashes(&self, code: &str) -> Vec<String> {
        std::iter::once(&self.current)
            .chain(&self.old)
            .map(|k| k.code_hash(code))
            .collect()
    }

    fn key(&self, id: &str) -> Option<&KeyMaterial> {
        std::iter::once(&self.current)
            .chain(&self.old)
            .find(|k| k.id == id)
    }
}

/// The key id of a sealed value, if it is one.
pub fn sealed_key_id(value: &str) -> Option<&str> {
    value
        .strip_prefix(SEALED_PREFIX)?
        .split_once(':')
        .map(|(id, _)| id)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn sealing_round_trips_and_hides_the_value() {
        let keys = Keyring::for_tests();
        let sealed = keys.seal("staff.totp_secret/a", "JBSWY3DPEHPK3PXP");
        assert!(sealed.starts_with(&format!("seal1:{}:", keys.current_id())));
        assert!(!sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_eq!(
            keys.open("staff.totp_secret/a", &sealed).unwrap().as_str(),
            "JBSWY3DPEHPK3PXP"
        );
        // A fresh nonce every time: equal values do not look equal.
        assert_ne!(sealed, keys.seal("staff.totp_secret/a", "JBSWY3DPEHPK3PXP"));
    }

    #[test]
    fn a_value_moved_to_another_row_or_altered_does_not_open() {
        let keys = Keyring::for_tests();
        let sealed = keys.seal("participant_identities.personnummer/p1", "19800101-1234");
        assert!(matches!(
            keys.open("participant_identities.personnummer/p2", &sealed),
            Err(SealError::Tampered(_))
        ));
        let mut altered = sealed.clone().into_bytes();
        altered[40] = if altered[40] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).unwrap();
        assert!(matches!(
            keys.open("participant_identities.personnummer/p1", &altered),
            Err(SealError::Tampered(_))
        ));
        assert!(matches!(
            keys.open("x", "19800101-1234"),
            Err(SealError::Format)
        ));
        assert!(matches!(
            keys.open("x", "seal1:abcd"),
            Err(SealError::Format)
        ));
    }

    #[test]
    fn an_unknown_key_is_named_and_an_old_key_still_opens() {
        let old = SecretKey::generate();
        let new = SecretKey::generate();
        let before = Keyring::new(&old, &[]);
        let sealed = before.seal("c", "secret");
        let after_without_old = Keyring::new(&new, &[]);
        match after_without_old.open("c", &sealed) {
            Err(SealError::UnknownKey(id)) => assert_eq!(id, old.id()),
            other => panic!("expected an unknown key, got {other:?}"),
        }
        let during = Keyring::new(&new, std::slice::from_ref(&old));
        assert_eq!(during.open("c", &sealed).unwrap().as_str(), "secret");
        assert!(during.needs_resealing(&sealed));
        assert!(!during.needs_resealing(&during.seal("c", "secret")));
    }

    #[test]
    fn keys_are_read_as_base64_or_hex_and_anything_else_is_refused() {
        let key = SecretKey::generate();
        let b64 = key.to_base64();
        assert_eq!(SecretKey::parse(&b64).unwrap().id(), key.id());
        assert_eq!(
            SecretKey::parse(&format!("  {}\n", b64.as_str()))
                .unwrap()
                .id(),
            key.id()
        );
        let hex: String = key.bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(SecretKey::parse(&hex).unwrap().id(), key.id());
        assert_eq!(
            SecretKey::parse(&hex.to_uppercase()).unwrap().id(),
            key.id()
        );
        for bad in [
            "",
            "short",
            &hex[..62],
            "ä".repeat(44).as_str(),
            &STANDARD.encode([1u8; 16]),
        ] {
            let err = SecretKey::parse(bad).unwrap_err().to_string();
            assert!(err.contains("32 random bytes"), "{err}");
            assert!(bad.len() < 8 || !err.contains(bad), "{err} echoes the key");
        }
    }

    #[test]
    fn code_hashes_are_keyed_and_differ_per_key() {
        let a = Keyring::for_tests();
        let b = Keyring::new(&SecretKey::generate(), &[]);
        let h = a.code_hash("ABCD-EFGH");
        assert!(h.starts_with("hmac1:"));
        assert!(!h.contains("ABCD"));
        assert_eq!(h, a.code_hash("ABCD-EFGH"));
        assert_ne!(h, b.code_hash("ABCD-EFGH"));
        assert_ne!(h, a.code_hash("ABCD-EFGJ"));
    }

    #[test]
    fn debug_output_never_shows_key_bytes() {
        let key = SecretKey::generate();
        let text = format!("{key:?} {:?}", Keyring::new(&key, &[]));
        assert!(!text.contains(key.to_base64().as_str()));
        assert!(text.contains(&key.id()));
    }
}
