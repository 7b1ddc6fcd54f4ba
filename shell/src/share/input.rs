//! What the customer types (stdin lines) and the signals that end a session properly.

use std::io::BufRead;

use tokio::sync::mpsc;

use super::driver::Input;
use crate::session::Event;

/// Longest line read from the customer; the rest of a longer line is skipped.
const MAX_LINE: u64 = 1024;

/// Reads the customer's lines on a plain thread (stdin cannot be cancelled; the process exits
/// without waiting for it).
pub(super) fn spawn_stdin_reader(tx: mpsc::Sender<Input>) {
    let fallback = tx.clone();
    let spawned = std::thread::Builder::new()
        .name("meekijk-stdin".into())
        .spawn(move || {
            let mut stdin = std::io::stdin().lock();
            loop {
                let event = match read_bounded_line(&mut stdin) {
                    Ok(Some(line)) => Event::CustomerLine(line),
                    Ok(None) | Err(_) => Event::CustomerInputClosed,
                };
                let closed = event == Event::CustomerInputClosed;
                if tx.blocking_send(Input::Session(event)).is_err() || closed {
                    return;
                }
            }
        });
    if spawned.is_err() {
        // Without a reader no question can be answered: that is a refusal.
        let _ = fallback.try_send(Input::Session(Event::CustomerInputClosed));
    }
}

fn read_bounded_line(input: &mut impl BufRead) -> std::io::Result<Option<String>> {
    let mut line = Vec::new();
    let n = std::io::Read::take(&mut *input, MAX_LINE).read_until(b'\n', &mut line)?;
    if n == 0 {
        return Ok(None);
    }
    if line.last() != Some(&b'\n') && n as u64 == MAX_LINE {
        let mut rest = Vec::new();
        loop {
            rest.clear();
            let m = std::io::Read::take(&mut *input, MAX_LINE).read_until(b'\n', &mut rest)?;
            if m == 0 || rest.last() == Some(&b'\n') {
                break;
            }
        }
    }
    let text = String::from_utf8_lossy(&line);
    Ok(Some(text.trim_end_matches(['\n', '\r']).to_string()))
}

/// Ctrl-C, SIGTERM and SIGHUP (terminal closed) end the session properly, with a receipt.
pub(super) fn spawn_signal_watch(tx: mpsc::Sender<Input>) {
    use tokio::signal::unix::{signal, SignalKind};
    tokio::spawn(async move {
        let (Ok(mut term), Ok(mut hup)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        ) else {
            return;
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
            _ = hup.recv() => {}
        }
        let _ = tx.send(Input::Session(Event::Interrupted)).await;
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_bounded_and_trimmed_of_their_newline() {
        let long = "x".repeat(5000);
        let mut bytes = format!("y\r\n{long}\nq\n").into_bytes();
        bytes.extend_from_slice(b"\xff\n");
        let mut input = std::io::Cursor::new(bytes);
        let mut lines = Vec::new();
        while let Some(line) = read_bounded_line(&mut input).unwrap() {
            lines.push(line);
        }
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0], "y");
        assert_eq!(
            lines[1].len(),
            MAX_LINE as usize,
            "a long line is cut, its rest skipped"
        );
        assert_eq!(lines[2], "q");
        assert_eq!(
            lines[3], "\u{fffd}",
            "invalid UTF-8 is replaced, never a crash"
        );
    }
}
