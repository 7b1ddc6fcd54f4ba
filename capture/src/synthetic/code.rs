//! Source text for the editor and terminal scenes, and a small Rust highlighter with the
//! colours of a popular dark editor theme.

use super::canvas::{rgb, Bgra};
use super::noise::Rng;

/// The top of the file the editor opens with.
const HEADER: &[&str] = &[
    "//! BGRA8 frames: an owned `Frame` and borrowed, stride-aware views.",
    "",
    "use std::fmt;",
    "use std::sync::Arc;",
    "",
    "use crate::{Error, Rect, Result};",
    "",
    "/// The largest accepted width or height (8K and a margin).",
    "pub const MAX_DIMENSION: u32 = 16_384;",
    "",
    "/// An owned BGRA8 image with tightly packed rows.",
    "#[derive(Clone, PartialEq, Eq)]",
    "pub struct Frame {",
    "    data: Vec<u8>,",
    "    width: u32,",
    "    height: u32,",
    "}",
    "",
    "impl fmt::Debug for Frame {",
    "    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {",
    "        write!(f, \"Frame({}x{})\", self.width, self.height)",
    "    }",
    "}",
    "",
];

/// Function bodies the "user" types; the seed picks the order.
const SNIPPETS: &[&[&str]] = &[
    &[
        "impl Frame {",
        "    /// A frame with every pixel set to `bgra`.",
        "    pub fn filled(width: u32, height: u32, bgra: [u8; 4]) -> Result<Self> {",
        "        check_layout(width, height)?;",
        "        let data = bgra.repeat(width as usize * height as usize);",
        "        Ok(Self { data, width, height })",
        "    }",
        "}",
        "",
    ],
    &[
        "fn checksum(rows: &[&[u8]]) -> u64 {",
        "    let mut hash = 0xcbf2_9ce4_8422_2325_u64;",
        "    for row in rows {",
        "        for &byte in row.iter() {",
        "            hash = (hash ^ byte as u64).wrapping_mul(0x100_0000_01b3);",
        "        }",
        "    }",
        "    hash",
        "}",
        "",
    ],
    &[
        "pub fn scroll_up(frame: &mut Frame, lines: u32) -> Rect {",
        "    // Rows move up; only the exposed strip needs new pixels.",
        "    let stride = frame.width as usize * 4;",
        "    let moved = (frame.height - lines) as usize * stride;",
        "    frame.data.copy_within(lines as usize * stride.., 0);",
        "    Rect::new(0, frame.height - lines, frame.width, lines)",
        "}",
        "",
    ],
    &[
        "#[cfg(test)]",
        "mod tests {",
        "    use super::*;",
        "",
        "    #[test]",
        "    fn filled_frames_have_one_colour() {",
        "        let frame = Frame::filled(7, 3, [1, 2, 3, 255]).unwrap();",
        "        assert!(frame.data.chunks(4).all(|px| px == [1, 2, 3, 255]));",
        "    }",
        "}",
        "",
    ],
];

/// The lines shown at the start and the characters typed afterwards (with `\n` line ends).
pub(crate) fn editor_text(rng: &mut Rng) -> (Vec<String>, String) {
    let header = HEADER.iter().map(|s| s.to_string()).collect();
    let mut order: Vec<usize> = (0..SNIPPETS.len()).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i as u64 + 1) as usize);
    }
    let mut typed = String::new();
    // Repeat the snippets so long runs never run out of text.
    for _ in 0..8 {
        for &i in &order {
            for line in SNIPPETS[i] {
                typed.push_str(line);
                typed.push('\n');
            }
        }
    }
    (header, typed)
}

const KEYWORDS: &[&str] = &[
    "fn", "let", "mut", "pub", "use", "struct", "impl", "in", "self", "Self", "const", "mod", "as",
    "crate", "super", "true", "false", "u8", "u32", "u64", "usize",
];
const CONTROL: &[&str] = &["for", "if", "else", "return", "match", "while", "loop"];

pub(crate) const PLAIN: Bgra = rgb(0xd4d4d4);

/// Colours each character of a line like a syntax-highlighting editor would.
pub(crate) fn highlight(line: &str) -> Vec<(char, Bgra)> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '/' && chars.get(i + 1) == Some(&'/') {
            out.extend(chars[i..].iter().map(|&c| (c, rgb(0x6a9955))));
            break;
        }
        let start = i;
        let color = if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += 1;
            }
            i = (i + 1).min(chars.len());
            rgb(0xce9178)
        } else if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            rgb(0xb5cea8)
        } else if c.is_alphabetic() || c == '_' {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            if KEYWORDS.contains(&word.as_str()) {
                rgb(0x569cd6)
            } else if CONTROL.contains(&word.as_str()) {
                rgb(0xc586c0)
            } else if matches!(chars.get(i), Some('(') | Some('!')) {
                rgb(0xdcdcaa)
            } else if c.is_uppercase() {
                rgb(0x4ec9b0)
            } else {
                rgb(0x9cdcfe)
            }
        } else {
            i += 1;
            PLAIN
        };
        out.extend(chars[start..i].iter().map(|&c| (c, color)));
    }
    out
}

/// Crates a build log compiles, for the terminal scene.
pub(crate) const CRATES: &[&str] = &[
    "proc-macro2",
    "unicode-ident",
    "libc",
    "cfg-if",
    "memchr",
    "serde",
    "serde_derive",
    "syn",
    "quote",
    "autocfg",
    "once_cell",
    "bitflags",
    "log",
    "itoa",
    "ryu",
    "smallvec",
    "scopeguard",
    "lock_api",
    "parking_lot_core",
    "parking_lot",
    "crossbeam-utils",
    "rayon-core",
    "rayon",
    "either",
    "hashbrown",
    "indexmap",
    "bytes",
    "tokio",
    "mio",
    "socket2",
    "pin-project-lite",
    "futures-core",
    "tracing",
    "tracing-core",
    "thiserror",
    "thiserror-impl",
    "anyhow",
    "zstd-sys",
    "zstd-safe",
    "zstd",
    "x11rb-protocol",
    "x11rb",
    "fontdue",
    "ttf-parser",
    "rustls",
    "ring",
    "webpki",
    "untrusted",
    "sha2",
    "digest",
    "generic-array",
    "typenum",
    "rav1e",
    "dav1d-sys",
];
