//! What the customer sees: messages and questions on stdout, a live status line on stderr.
//!
//! On a terminal the status line redraws in place once a second; otherwise (scripts, tests) a
//! plain status line is written every few seconds so logs stay short.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use crate::session::Question;

/// How often the status line is written when stderr is not a terminal.
const PLAIN_INTERVAL: Duration = Duration::from_secs(5);

/// The customer's console.
#[derive(Debug)]
pub(super) struct Console {
    tty: bool,
    drawn: bool,
    last_plain: Option<Instant>,
}

impl Console {
    pub(super) fn new() -> Self {
        Self {
            tty: std::io::stderr().is_terminal(),
            drawn: false,
            last_plain: None,
        }
    }

    fn clear(&mut self) {
        if self.drawn {
            eprint!("\r\x1b[2K");
            self.drawn = false;
        }
    }

    /// Prints a message on its own line.
    pub(super) fn say(&mut self, text: &str) {
        self.clear();
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{text}");
        let _ = out.flush();
    }

    /// Prints a question and leaves the cursor after it.
    pub(super) fn ask(&mut self, question: &Question) {
        self.clear();
        let text = match question {
            Question::Terms => {
                "Do you accept these terms? Type y (yes / ja) and Enter; anything else refuses: "
                    .to_string()
            }
            Question::AllowViewer { viewer } => format!(
                "\"{viewer}\" proved the code. Allow \"{viewer}\" to watch your screen? [y/N] "
            ),
            Question::AllowControl { viewer } => {
                format!("\"{viewer}\" asks to control your mouse and keyboard. Allow? [y/N] ")
            }
        };
        let mut out = std::io::stdout().lock();
        let _ = write!(out, "{text}");
        let _ = out.flush();
    }

    /// Redraws the status line (in place on a terminal, now and then otherwise).
    pub(super) fn status(&mut self, line: &str, now: Instant) {
        if self.tty {
            eprint!("\r\x1b[2K{line}");
            self.drawn = true;
        } else if self
            .last_plain
            .is_none_or(|last| now.duration_since(last) >= PLAIN_INTERVAL)
        {
            eprintln!("status: {line}");
            self.last_plain = Some(now);
        }
    }

    /// Leaves the status line so the next output starts on a fresh line.
    pub(super) fn finish(&mut self) {
        if self.drawn {
            eprintln!();
            self.drawn = false;
        }
    }
}

/// `1:02:03` or `2:03`.
pub(super) fn clock(elapsed: Duration) -> String {
    let secs = elapsed.as_secs();
    if secs >= 3600 {
        format!("{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
    } else {
        format!("{}:{:02}", secs / 60, secs % 60)
    }
}

/// `532 B`, `12.3 KB`, `4.5 MB`, `1.2 GB`.
pub(super) fn bytes(count: u64) -> String {
    match count {
        0..=999 => format!("{count} B"),
        1_000..=999_999 => format!("{:.1} KB", count as f64 / 1e3),
        1_000_000..=999_999_999 => format!("{:.1} MB", count as f64 / 1e6),
        _ => format!("{:.2} GB", count as f64 / 1e9),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_units() {
        assert_eq!(clock(Duration::from_secs(123)), "2:03");
        assert_eq!(clock(Duration::from_secs(3723)), "1:02:03");
        assert_eq!(bytes(532), "532 B");
        assert_eq!(bytes(12_345), "12.3 KB");
        assert_eq!(bytes(4_500_000), "4.5 MB");
    }
}
