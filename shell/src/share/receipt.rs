//! The session receipt: JSON lines in the user's data directory, each carrying the SHA-256 of
//! the line before it, so a removed, reordered or edited line shows.
//!
//! It is the only file a session writes. It holds what the customer agreed to (the SHA-256 of
//! the terms text), when, to whom, the control grants and the end — no screen content.

use std::fs::{DirBuilder, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::session::ReceiptEntry;

/// The `prev` of the first line: nothing came before it.
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// `$XDG_DATA_HOME/meekijk`, else `~/.local/share/meekijk`; `None` without a usable home.
pub(crate) fn default_dir() -> Option<PathBuf> {
    let absolute = |v: std::ffi::OsString| {
        let p = PathBuf::from(v);
        p.is_absolute().then_some(p)
    };
    if let Some(data) = std::env::var_os("XDG_DATA_HOME").and_then(absolute) {
        return Some(data.join("meekijk"));
    }
    std::env::var_os("HOME")
        .and_then(absolute)
        .map(|home| home.join(".local/share/meekijk"))
}

/// An open receipt file that lines are appended to.
#[derive(Debug)]
pub(crate) struct Receipt {
    path: PathBuf,
    file: File,
    prev: String,
    seq: u64,
}

impl Receipt {
    /// Creates a new receipt file in `dir` (made private to the user if it does not exist).
    ///
    /// # Errors
    /// When the directory or file cannot be created; a session does not start without one.
    pub(crate) fn create(dir: &Path, now: SystemTime) -> io::Result<Self> {
        DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
        let name = format!(
            "receipt-{}-{}.jsonl",
            utc_timestamp(now).replace([':', '-'], ""),
            std::process::id()
        );
        let path = dir.join(name);
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)?;
        Ok(Self {
            path,
            file,
            prev: GENESIS.to_string(),
            seq: 0,
        })
    }

    /// Where the receipt is.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one entry decided by the session; `terms_sha256` goes into the consent line.
    ///
    /// # Errors
    /// When the line cannot be written and synced.
    pub(crate) fn record(
        &mut self,
        entry: &ReceiptEntry,
        terms_sha256: &str,
        now: SystemTime,
    ) -> io::Result<()> {
        let (event, fields) = match entry {
            ReceiptEntry::TermsAccepted => (
                "terms_accepted",
                json!({ "terms_sha256": terms_sha256, "program": concat!("meekijk ", env!("CARGO_PKG_VERSION")) }),
            ),
            ReceiptEntry::ViewerApproved { viewer } => {
                ("viewer_approved", json!({ "viewer": viewer }))
            }
            ReceiptEntry::ControlGranted => ("control_granted", json!({})),
            ReceiptEntry::ControlRefused => ("control_refused", json!({})),
            ReceiptEntry::ControlRevoked => ("control_revoked", json!({})),
            ReceiptEntry::Ended {
                reason,
                bytes_sent,
                updates_sent,
                inputs_dropped,
            } => (
                "ended",
                json!({
                    "reason": reason.code(),
                    "reason_text": reason.to_string(),
                    "bytes_sent": bytes_sent,
                    "updates_sent": updates_sent,
                    "inputs_dropped": inputs_dropped,
                }),
            ),
        };
        self.append(event, fields, now)
    }

    fn append(&mut self, event: &str, fields: Value, now: SystemTime) -> io::Result<()> {
        let mut line = Map::new();
        line.insert("seq".into(), self.seq.into());
        line.insert("at".into(), utc_timestamp(now).into());
        line.insert("event".into(), event.into());
        if let Value::Object(fields) = fields {
            line.extend(fields);
        }
        line.insert("prev".into(), self.prev.clone().into());
        let text = Value::Object(line).to_string();
        self.file.write_all(text.as_bytes())?;
        self.file.write_all(b"\n")?;
        self.file.sync_data()?;
        self.prev = sha256_hex(text.as_bytes());
        self.seq += 1;
        Ok(())
    }
}

/// Lowercase hex SHA-256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks a receipt's chain; returns the number of lines.
#[cfg(test)]
///
/// # Errors
/// A message naming the first line whose `prev` or `seq` does not fit.
pub(crate) fn verify_chain(text: &str) -> Result<usize, String> {
    let mut prev = GENESIS.to_string();
    let mut count = 0;
    for (i, line) in text.lines().enumerate() {
        let value: Value =
            serde_json::from_str(line).map_err(|e| format!("line {}: not JSON: {e}", i + 1))?;
        if value["prev"].as_str() != Some(prev.as_str()) {
            return Err(format!(
                "line {}: prev does not match the line before",
                i + 1
            ));
        }
        if value["seq"].as_u64() != Some(i as u64) {
            return Err(format!("line {}: seq {} expected {i}", i + 1, value["seq"]));
        }
        prev = sha256_hex(line.as_bytes());
        count += 1;
    }
    Ok(count)
}

/// `YYYY-MM-DDTHH:MM:SSZ` in UTC, without a date library.
pub(crate) fn utc_timestamp(now: SystemTime) -> String {
    let secs = now
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Days since 1970-01-01 to a civil date (H. Hinnant, "chrono-compatible date algorithms").
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::session::EndReason;

    fn scratch_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("meekijk-receipt-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn timestamps_are_utc_calendar_dates() {
        assert_eq!(utc_timestamp(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400 + 3_723);
        assert_eq!(utc_timestamp(leap), "2000-02-29T01:02:03Z");
        let later = UNIX_EPOCH + Duration::from_secs(1_735_689_599);
        assert_eq!(utc_timestamp(later), "2024-12-31T23:59:59Z");
    }

    #[test]
    fn lines_are_chained_and_tampering_shows() {
        let dir = scratch_dir("chain");
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut receipt = Receipt::create(&dir, now).unwrap();
        let entries = [
            ReceiptEntry::TermsAccepted,
            ReceiptEntry::ViewerApproved {
                viewer: "Anna \"A\" de Vries".into(),
            },
            ReceiptEntry::ControlGranted,
            ReceiptEntry::ControlRevoked,
            ReceiptEntry::Ended {
                reason: EndReason::CustomerEnded,
                bytes_sent: 1234,
                updates_sent: 5,
                inputs_dropped: 2,
            },
        ];
        for entry in &entries {
            receipt
                .record(entry, "ab".repeat(32).as_str(), now)
                .unwrap();
        }
        let text = std::fs::read_to_string(receipt.path()).unwrap();
        assert_eq!(verify_chain(&text), Ok(5));
        assert!(text.contains("\"terms_sha256\":\"abab"));
        assert!(text.contains("\"reason\":\"customer_ended\""));
        assert!(text.contains("\"bytes_sent\":1234"));

        let edited = text.replace("Anna", "Bert");
        assert!(verify_chain(&edited).unwrap_err().contains("line 3"));
        let dropped: String = text
            .lines()
            .enumerate()
            .filter(|(i, _)| *i != 1)
            .map(|(_, l)| format!("{l}\n"))
            .collect();
        assert!(verify_chain(&dropped).is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_receipt_is_private_to_the_user() {
        use std::os::unix::fs::PermissionsExt;
        let dir = scratch_dir("mode");
        let receipt = Receipt::create(&dir, SystemTime::now()).unwrap();
        let mode = std::fs::metadata(receipt.path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
