//! The secret key and the files that hold data: where the key comes from, and
//! owner-only permissions on the data directory, the database and the key.
//!
//! The key must live apart from the database (a copy of the database alone
//! then reveals no TOTP secret, personnummer or access code), and nobody but
//! the server's own user may read either. On a fresh install with no key
//! configured the server makes one rather than refusing to start, and says
//! loudly where it is, because losing it loses every sealed value.

use crate::config::Config;
use std::io::Write;
use std::path::{Path, PathBuf};
use stegvis_store::{Keyring, SecretKey};

/// The key file's name in the data directory when no key is configured.
pub const GENERATED_KEY_FILE: &str = "secret.key";

/// Owner-only permissions for the data directory.
pub const DIR_MODE: u32 = 0o700;
/// Owner-only permissions for the database files and the key file.
pub const FILE_MODE: u32 = 0o600;

/// Why the key or the data files could not be prepared.
#[derive(Debug, thiserror::Error)]
pub enum KeysError {
    #[error("{action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the key file {path} is not valid: {source}")]
    Malformed {
        path: PathBuf,
        source: stegvis_store::KeyError,
    },
}

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> KeysError + 'a {
    move |source| KeysError::Io {
        action,
        path: path.to_owned(),
        source,
    }
}

/// Where the current key came from, for the start-up log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyOrigin {
    /// `STEGVIS_SECRET_KEY`.
    Environment,
    /// A key file that existed (configured, or generated on an earlier start).
    File(PathBuf),
    /// Generated now, into this file.
    Generated(PathBuf),
}

/// The keyring to open the store with, and what was done to get it.
#[derive(Debug)]
pub struct LoadedKeys {
    pub keyring: Keyring,
    pub origin: KeyOrigin,
    /// Files and directories whose permissions were too open and were
    /// tightened, for the log.
    pub tightened: Vec<PathBuf>,
}

/// Prepares the data directory (0700) and the database files (0600; the
/// database file is created empty with that mode before SQLite opens it, and
/// SQLite gives its `-wal` and `-shm` files the main file's mode), and loads
/// or generates the secret key.
pub fn prepare(config: &Config) -> Result<LoadedKeys, KeysError> {
    let mut tightened = Vec::new();
    let database = stegvis_store::sqlite_file(&config.database_url);
    let key_file = config
        .secret_key_file
        .clone()
        .unwrap_or_else(|| config.data_dir.join(GENERATED_KEY_FILE));
    let needs_data_dir =
        database.is_some() || (config.secret_key.is_none() && config.secret_key_file.is_none());
    if needs_data_dir {
        ensure_dir(&config.data_dir, &mut tightened)?;
    }
    if let Some(database) = &database {
        if let Some(parent) = database.parent().filter(|p| !p.as_os_str().is_empty()) {
            if !parent.exists() {
                ensure_dir(parent, &mut tightened)?;
            }
        }
        ensure_private_file(database, &mut tightened)?;
        for suffix in ["-wal", "-shm", "-journal"] {
            let mut name = database.as_os_str().to_owned();
            name.push(suffix);
            let path = PathBuf::from(name);
            if path.exists() {
                ensure_private_file(&path, &mut tightened)?;
            }
        }
    }
    let (current, origin) = match (&config.secret_key, &config.secret_key_file) {
        (Some(key), _) => (key.clone(), KeyOrigin::Environment),
        (None, Some(path)) => (
            read_key_file(path, &mut tightened)?,
            KeyOrigin::File(path.clone()),
        ),
        (None, None) if key_file.exists() => (
            read_key_file(&key_file, &mut tightened)?,
            KeyOrigin::File(key_file.clone()),
        ),
        (None, None) => (
            write_new_key(&key_file)?,
            KeyOrigin::Generated(key_file.clone()),
        ),
    };
    Ok(LoadedKeys {
        keyring: Keyring::new(&current, &config.old_secret_keys),
        origin,
        tightened,
    })
}

/// Creates a directory with mode 0700, or tightens an existing one.
fn ensure_dir(dir: &Path, tightened: &mut Vec<PathBuf>) -> Result<(), KeysError> {
    if dir.exists() {
        return tighten(dir, DIR_MODE, tightened);
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(DIR_MODE);
    }
    builder
        .create(dir)
        .map_err(io("creating the data directory", dir))
}

/// Creates an empty file with mode 0600 if missing, or tightens it.
fn ensure_private_file(path: &Path, tightened: &mut Vec<PathBuf>) -> Result<(), KeysError> {
    match private_options().open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            tighten(path, FILE_MODE, tightened)
        }
        Err(e) => Err(io("creating", path)(e)),
    }
}

/// Options that create a new file readable by the owner only.
fn private_options() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(FILE_MODE);
    }
    options
}

/// Removes group and other permissions from `path` when it has any.
#[cfg(unix)]
fn tighten(path: &Path, mode: u32, tightened: &mut Vec<PathBuf>) -> Result<(), KeysError> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).map_err(io("reading the permissions of", path))?;
    let current = meta.permissions().mode() & 0o777;
    if current & 0o077 != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .map_err(io("tightening the permissions of", path))?;
        tightened.push(path.to_owned());
    }
    Ok(())
}

#[cfg(not(unix))]
fn tighten(_: &Path, _: u32, _: &mut Vec<PathBuf>) -> Result<(), KeysError> {
    Ok(())
}

fn read_key_file(path: &Path, tightened: &mut Vec<PathBuf>) -> Result<SecretKey, KeysError> {
    tighten(path, FILE_MODE, tightened)?;
    let text = zeroize::Zeroizing::new(
        std::fs::read_to_string(path).map_err(io("reading the key file", path))?,
    );
    SecretKey::parse(&text).map_err(|source| KeysError::Malformed {
        path: path.to_owned(),
        source,
    })
}

/// Generates a key into a new file (mode 0600, never overwriting one).
fn write_new_key(path: &Path) -> Result<SecretKey, KeysError> {
    let key = SecretKey::generate();
    let mut file = private_options()
        .open(path)
        .map_err(io("creating the key file", path))?;
    let text = key.to_base64();
    file.write_all(text.as_bytes())
        .and_then(|()| file.write_all(b"\n"))
        .and_then(|()| file.sync_all())
        .map_err(io("writing the key file", path))?;
    Ok(key)
}

/// Logs where the key came from; a generated key is a warning with what to do.
pub fn log(loaded: &LoadedKeys) {
    for path in &loaded.tightened {
        tracing::warn!(
            path = %path.display(),
            "permissions were open to other users; tightened to owner only"
        );
    }
    let key_id = loaded.keyring.current_id();
    match &loaded.origin {
        KeyOrigin::Environment => {
            tracing::info!(key_id, "secret key from STEGVIS_SECRET_KEY")
        }
        KeyOrigin::File(path) => {
            tracing::info!(key_id, path = %path.display(), "secret key from file")
        }
        KeyOrigin::Generated(path) => tracing::warn!(
            key_id,
            path = %path.display(),
            "no secret key was configured, so a new one was generated into {}. It seals \
             personnummer and two-factor secrets: back it up, apart from the database \
             backups (without it they cannot be read; with it next to them the sealing \
             protects nothing). See docs/security.md, \"Secrets at rest and key handling\".",
            path.display()
        ),
    }
    let old = loaded.keyring.old_ids();
    if !old.is_empty() {
        tracing::info!(old_key_ids = ?old, "old secret keys configured for reading only");
    }
}

#[cfg(all(test, unix))]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("stegvis-keys-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn config_for(dir: &Path) -> Config {
        Config::from_lookup(|name| match name {
            "STEGVIS_CONFIG" => Some("/dev/null".into()),
            "STEGVIS_DATA_DIR" => Some(dir.display().to_string()),
            _ => None,
        })
        .unwrap()
    }

    #[test]
    fn a_fresh_install_gets_a_private_directory_database_and_generated_key() {
        let dir = temp("fresh");
        let config = config_for(&dir);
        let loaded = prepare(&config).unwrap();
        let key_file = dir.join(GENERATED_KEY_FILE);
        assert_eq!(loaded.origin, KeyOrigin::Generated(key_file.clone()));
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&key_file), 0o600);
        assert_eq!(mode(&dir.join("stegvis.db")), 0o600);
        // The second start reads the same key and generates nothing.
        let again = prepare(&config).unwrap();
        assert_eq!(again.origin, KeyOrigin::File(key_file));
        assert_eq!(again.keyring.current_id(), loaded.keyring.current_id());
        assert!(again.tightened.is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn open_permissions_found_at_start_are_tightened() {
        let dir = temp("loose");
        prepare(&config_for(&dir)).unwrap();
        let db = dir.join("stegvis.db");
        let wal = dir.join("stegvis.db-wal");
        std::fs::write(&wal, b"").unwrap();
        for (path, m) in [(&dir, 0o755), (&db, 0o644), (&wal, 0o644)] {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(m)).unwrap();
        }
        let key = dir.join(GENERATED_KEY_FILE);
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o640)).unwrap();
        let loaded = prepare(&config_for(&dir)).unwrap();
        assert_eq!(loaded.tightened.len(), 4, "{:?}", loaded.tightened);
        assert_eq!(
            (mode(&dir), mode(&db), mode(&wal), mode(&key)),
            (0o700, 0o600, 0o600, 0o600)
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_malformed_key_file_stops_start_up_without_showing_it() {
        let dir = temp("malformed");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(GENERATED_KEY_FILE), "not-a-key\n").unwrap();
        let err = prepare(&config_for(&dir)).unwrap_err().to_string();
        assert!(
            err.contains("secret.key") && err.contains("32 random bytes"),
            "{err}"
        );
        assert!(!err.contains("not-a-key"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
