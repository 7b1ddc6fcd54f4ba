//! The one-time session code: nine random digits from the OS, shown as `481-927-305`.

use std::fmt;

use super::AuthError;

/// Digits in a code: 10⁹ possibilities against one allowed guess.
pub(crate) const CODE_DIGITS: usize = 9;

/// A one-time code. Its digits are the SPAKE2 password; it never goes over the wire.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct OneTimeCode([u8; CODE_DIGITS]);

impl OneTimeCode {
    /// Draws a fresh code from the operating system's random generator.
    ///
    /// # Errors
    /// [`AuthError::Random`] when the OS generator is unavailable; there is no weaker fallback.
    pub(crate) fn generate() -> Result<Self, AuthError> {
        // 4·10⁹ is the largest multiple of 10⁹ below 2³²: drawing below it and reducing
        // modulo 10⁹ keeps every code equally likely.
        const LIMIT: u32 = 4_000_000_000;
        loop {
            let mut bytes = [0u8; 4];
            getrandom::fill(&mut bytes).map_err(|e| AuthError::Random(e.to_string()))?;
            let value = u32::from_le_bytes(bytes);
            if value < LIMIT {
                return Ok(Self::from_number(value % 1_000_000_000));
            }
        }
    }

    fn from_number(mut value: u32) -> Self {
        let mut digits = [0u8; CODE_DIGITS];
        for digit in digits.iter_mut().rev() {
            *digit = b'0' + (value % 10) as u8;
            value /= 10;
        }
        Self(digits)
    }

    /// Reads a code as typed: nine digits, optionally grouped with `-` or spaces.
    ///
    /// # Errors
    /// [`AuthError::BadCode`] for anything else, naming what was expected.
    pub(crate) fn parse(text: &str) -> Result<Self, AuthError> {
        let mut digits = [0u8; CODE_DIGITS];
        let mut count = 0;
        for c in text.trim().chars() {
            match c {
                '0'..='9' if count < CODE_DIGITS => {
                    digits[count] = c as u8;
                    count += 1;
                }
                '0'..='9' => {
                    return Err(AuthError::BadCode(format!(
                        "more than {CODE_DIGITS} digits; expected e.g. 481-927-305"
                    )))
                }
                '-' | ' ' => {}
                other => {
                    return Err(AuthError::BadCode(format!(
                        "{other:?} is not a digit; expected {CODE_DIGITS} digits like 481-927-305"
                    )))
                }
            }
        }
        if count != CODE_DIGITS {
            return Err(AuthError::BadCode(format!(
                "{count} digits; expected {CODE_DIGITS} like 481-927-305"
            )));
        }
        Ok(Self(digits))
    }

    /// The digits, as the SPAKE2 password.
    pub(crate) fn password(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Display for OneTimeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, group) in self.0.chunks(3).enumerate() {
            if i > 0 {
                f.write_str("-")?;
            }
            // The digits are ASCII by construction.
            f.write_str(std::str::from_utf8(group).unwrap_or("???"))?;
        }
        Ok(())
    }
}

impl fmt::Debug for OneTimeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Keep the secret out of logs and panic messages.
        f.write_str("OneTimeCode(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_grouped_and_parsed_back() {
        let code = OneTimeCode::from_number(481_927_305);
        assert_eq!(code.to_string(), "481-927-305");
        assert_eq!(OneTimeCode::parse("481-927-305").unwrap(), code);
        assert_eq!(OneTimeCode::parse(" 481 927 305 ").unwrap(), code);
        assert_eq!(OneTimeCode::parse("481927305").unwrap(), code);
        assert_eq!(OneTimeCode::from_number(7).to_string(), "000-000-007");
    }

    #[test]
    fn malformed_codes_are_refused_with_a_reason() {
        for bad in ["", "12345678", "1234567890", "481-927-30a", "481_927_305"] {
            let err = OneTimeCode::parse(bad).unwrap_err();
            assert!(err.to_string().contains("481-927-305"), "{bad:?}: {err}");
        }
    }

    #[test]
    fn generated_codes_have_nine_digits_and_differ() {
        let codes: Vec<String> = (0..8)
            .map(|_| OneTimeCode::generate().unwrap().to_string())
            .collect();
        for code in &codes {
            assert_eq!(code.len(), 11);
            assert!(OneTimeCode::parse(code).is_ok());
        }
        codes.iter().skip(1).for_each(|c| assert_ne!(c, &codes[0]));
        assert_eq!(
            format!("{:?}", OneTimeCode::generate().unwrap()),
            "OneTimeCode(***)"
        );
    }
}
