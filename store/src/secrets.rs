//! Keeping the stored secrets sealed: sealing what older versions stored in
//! clear, and re-sealing everything under a new key (rotation).
//!
//! Both run over whole tables in one write transaction, so a crash leaves
//! either the old or the new state, and both are idempotent: running them
//! again finds nothing left to do.

use crate::{Keyring, StoreError, StoreResult};

/// The sealed columns: (table, key column, secret column, context prefix).
/// The context names the column and row, so a value cannot be moved.
pub(crate) const SEALED_COLUMNS: [(&str, &str, &str, &str); 2] = [
    ("staff", "id", "totp_secret", "staff.totp_secret/"),
    (
        "participant_identities",
        "participant_id",
        "personnummer",
        "participant_identities.personnummer/",
    ),
];

/// The sealing context of a TOTP secret.
pub(crate) fn totp_context(staff_id: &str) -> String {
    format!("{}{staff_id}", SEALED_COLUMNS[0].3)
}

/// The sealing context of a personnummer.
pub(crate) fn personnummer_context(participant_id: &str) -> String {
    format!("{}{participant_id}", SEALED_COLUMNS[1].3)
}

/// Opens a stored value, naming the column in the error.
pub(crate) fn open(
    keys: &Keyring,
    context: &str,
    sealed: &str,
) -> StoreResult<zeroize::Zeroizing<String>> {
    keys.open(context, sealed)
        .map_err(|source| StoreError::Sealed {
            context: context.split('/').next().unwrap_or_default().to_owned(),
            source,
        })
}

/// What sealing or rotation changed, per kind of secret.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SecretsReport {
    /// TOTP secrets sealed or re-sealed.
    pub totp_secrets: u64,
    /// Personnummer sealed or re-sealed.
    pub personnummer: u64,
    /// Access codes hashed (sealing only; a hash cannot be re-keyed).
    pub access_codes: u64,
    /// Access codes still hashed under an old key: they keep working while
    /// that key stays configured, until they are redeemed or expire.
    pub access_codes_under_old_keys: u64,
}

impl SecretsReport {
    /// Whether anything was changed.
    pub fn changed(&self) -> bool {
        self.totp_secrets + self.personnummer + self.access_codes > 0
    }
}
