//! The built-in session terms (English and Dutch), or the customer's own file via `--terms`.
//!
//! The built-in text makes the same promises as the organisation's published terms for a
//! "meekijksessie", and says how this program keeps them. The receipt records the SHA-256 of
//! exactly the text that was shown.

use std::path::Path;

use anyhow::Context;

/// Longest terms file accepted; anything longer is not a text a person reads at a prompt.
const MAX_TERMS_BYTES: u64 = 256 * 1024;

/// The text shown when no `--terms` file is given.
pub(crate) const BUILT_IN: &str = "\
Terms of this screen-sharing session (meekijksessie)

1. Consent. By answering yes you accept these terms and allow the support employee who
   gives you their name to watch your screen. Watching starts only after you also approve
   that person by name. Taking over your mouse and keyboard needs a separate yes from you,
   and you can take it back at any moment (type c and Enter).
2. One time only. This session works once: the code is valid for one connection and for a
   limited time. When the session ends (type q and Enter, or close this window) the
   connection is closed and nobody can use it to reach your computer again.
3. Security. The connection is encrypted (TLS 1.3) and proven with the one-time code, so
   only the person you gave the code to can watch. A wrong code ends the session at once.
4. Confidentiality. What the employee sees during the session is confidential and is not
   shared with third parties. Nothing of your screen is recorded on your computer; this
   program only keeps a short receipt (these terms' fingerprint, times, the employee's
   name, control grants) in your own data folder.
5. No guarantee. The employee will do their best to solve your problem but cannot promise a
   solution, which also depends on your computer.
6. Your data. Make a backup of important files before the session. The organisation is not
   liable for lost data or other damage, except in case of intent or gross negligence.
7. Dutch law applies; disputes are first resolved together in good faith.

Voorwaarden van deze meekijksessie

1. Toestemming. Door ja te antwoorden gaat u akkoord met deze voorwaarden en staat u de
   medewerker die zijn of haar naam aan u doorgeeft toe om op uw scherm mee te kijken.
   Meekijken begint pas nadat u die persoon ook bij naam hebt goedgekeurd. Overnemen van
   muis en toetsenbord vraagt een apart ja van u en kunt u op elk moment intrekken (typ c
   en Enter).
2. Eenmalig. Deze sessie werkt één keer: de code geldt voor één verbinding en een beperkte
   tijd. Na het beëindigen (typ q en Enter, of sluit dit venster) is de verbinding gesloten
   en kan niemand er opnieuw toegang tot uw computer mee krijgen.
3. Beveiliging. De verbinding is versleuteld (TLS 1.3) en bevestigd met de eenmalige code;
   alleen degene aan wie u de code gaf kan meekijken. Een verkeerde code beëindigt de
   sessie direct.
4. Geheimhouding. Wat de medewerker tijdens de sessie ziet is vertrouwelijk en wordt niet
   met derden gedeeld. Er wordt niets van uw scherm opgenomen op uw computer; dit programma
   bewaart alleen een kort bewijs (de vingerafdruk van deze voorwaarden, tijden, de naam van
   de medewerker, verleende controle) in uw eigen gegevensmap.
5. Geen garantie. De medewerker doet zijn best uw probleem op te lossen maar kan geen
   oplossing garanderen; die hangt mede af van uw computer.
6. Uw gegevens. Maak vóór de sessie een reservekopie van belangrijke bestanden. De
   organisatie is niet aansprakelijk voor verlies van gegevens of andere schade, behalve bij
   opzet of grove schuld.
7. Op deze sessie is Nederlands recht van toepassing; geschillen worden eerst samen in goed
   overleg opgelost.
";

/// Reads the terms to show: the file if given, else the built-in text.
///
/// # Errors
/// When the file cannot be read, is larger than 256 KiB, is not UTF-8 or is empty.
pub(crate) fn load(file: Option<&Path>) -> anyhow::Result<String> {
    let Some(path) = file else {
        return Ok(BUILT_IN.to_string());
    };
    let len = std::fs::metadata(path)
        .with_context(|| format!("cannot read the terms file {}", path.display()))?
        .len();
    anyhow::ensure!(
        len <= MAX_TERMS_BYTES,
        "terms file {} is {len} bytes; at most {MAX_TERMS_BYTES} expected",
        path.display()
    );
    let bytes = std::fs::read(path)
        .with_context(|| format!("cannot read the terms file {}", path.display()))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("terms file {} is not UTF-8 text", path.display()))?;
    anyhow::ensure!(
        !text.trim().is_empty(),
        "terms file {} is empty; the customer must be shown terms",
        path.display()
    );
    Ok(text)
}
