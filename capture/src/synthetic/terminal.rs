//! `terminal-scroll`: a terminal printing a build and test log; new lines arrive in bursts
//! and the view scrolls up by whole text lines, as a real terminal does.

use super::canvas::{rgb, Area, Bgra, Canvas};
use super::code::CRATES;
use super::desktop::{self, Pointer, Ui, DARK};
use super::noise::Rng;
use super::text::{Face, GlyphCache, Style};
use super::Animate;

const BACKGROUND: Bgra = rgb(0x300a24);
const TEXT: Bgra = rgb(0xeeeeec);
const GREEN: Bgra = rgb(0x8ae234);
const BLUE: Bgra = rgb(0x729fcf);
const YELLOW: Bgra = rgb(0xfce94f);
const CYAN: Bgra = rgb(0x34e2e2);

/// One line of output as coloured runs.
type Line = Vec<(String, Bgra)>;

/// Endless, plausible build output: compile lines, a few warnings, test runs and prompts.
struct BuildLog {
    rng: Rng,
    queue: std::collections::VecDeque<Line>,
}

impl BuildLog {
    fn next_line(&mut self) -> Line {
        if self.queue.is_empty() {
            self.refill();
        }
        self.queue.pop_front().unwrap_or_default()
    }

    fn prompt(command: &str) -> Line {
        vec![
            ("alex@workstation".to_string(), GREEN),
            (":".to_string(), TEXT),
            ("~/src/meekijk".to_string(), BLUE),
            (format!("$ {command}"), TEXT),
        ]
    }

    fn refill(&mut self) {
        let rng = &mut self.rng;
        let q = &mut self.queue;
        q.push_back(Self::prompt("cargo build --release"));
        for _ in 0..rng.range(25, 60) {
            let name = rng.pick(CRATES);
            let version = format!("v{}.{}.{}", rng.below(3), rng.below(40), rng.below(25));
            q.push_back(vec![
                ("   Compiling".to_string(), GREEN),
                (format!(" {name} {version}"), TEXT),
            ]);
            if rng.chance(4) {
                let var = rng.pick(&["frame", "stride", "offset", "tile", "delta"]);
                q.push_back(vec![
                    ("warning".to_string(), YELLOW),
                    (format!(": unused variable: `{var}`"), TEXT),
                ]);
                q.push_back(vec![(
                    format!(
                        "  --> src/{name}.rs:{}:{}",
                        rng.range(10, 900),
                        rng.range(5, 40)
                    ),
                    BLUE,
                )]);
                q.push_back(vec![(
                    format!("   = help: prefix it with an underscore: `_{var}`"),
                    CYAN,
                )]);
            }
        }
        let secs = format!("{}.{:02}s", rng.range(20, 95), rng.below(100));
        q.push_back(vec![
            ("    Finished".to_string(), GREEN),
            (
                format!(" `release` profile [optimized] target(s) in {secs}"),
                TEXT,
            ),
        ]);
        q.push_back(Self::prompt("cargo test -p meekijk-codec"));
        let modules = [
            "differ", "convert", "frame", "rect", "update", "wire", "cache", "motion",
        ];
        let count = rng.range(12, 30);
        q.push_back(vec![(format!("running {count} tests"), TEXT)]);
        for _ in 0..count {
            let module = rng.pick(&modules);
            let test = rng.pick(&[
                "matches_scalar",
                "rejects_truncated_input",
                "round_trips",
                "odd_widths",
                "handles_stride",
            ]);
            q.push_back(vec![
                (format!("test {module}::tests::{test} ... "), TEXT),
                ("ok".to_string(), GREEN),
            ]);
        }
        q.push_back(vec![
            ("test result: ".to_string(), TEXT),
            ("ok".to_string(), GREEN),
            (format!(". {count} passed; 0 failed; 0 ignored"), TEXT),
        ]);
        q.push_back(Vec::new());
    }
}

pub(crate) struct TerminalScroll {
    glyphs: GlyphCache,
    style: Style,
    line_h: i32,
    grid: Area,
    rows: i32,
    log: BuildLog,
    /// Separate stream for burst sizes, so text and timing stay independent.
    timing: Rng,
    pointer: Pointer,
    pointer_at: (i32, i32),
}

impl TerminalScroll {
    pub(crate) fn new(canvas: &mut Canvas, seed: u64) -> Self {
        let ui = Ui::for_size(canvas.width(), canvas.height());
        let mut glyphs = GlyphCache::default();
        desktop::wallpaper(canvas);
        let panel = desktop::top_panel(canvas, &mut glyphs, ui, "Terminal    Wed 25 Nov  14:32");
        let dock = desktop::dock(canvas, &mut glyphs, ui, panel, 2);
        let (w, h) = (canvas.width(), canvas.height());
        let outer = Area::new(
            dock + ui.px(60),
            panel + ui.px(40),
            w * 3 / 4 - dock,
            h - panel - ui.px(110),
        );
        let client = desktop::window(
            canvas,
            &mut glyphs,
            ui,
            outer,
            "alex@workstation: ~/src/meekijk",
            DARK,
        );
        canvas.fill(client, BACKGROUND);
        let style = ui.font(Face::Mono, 14.5);
        let line_h = style.line_height();
        let inner = client.inset(ui.px(6));
        let rows = (inner.h / line_h).max(1);
        let grid = Area::new(inner.x, inner.y, inner.w, rows * line_h);
        let mut scene = Self {
            glyphs,
            style,
            line_h,
            grid,
            rows,
            log: BuildLog {
                rng: Rng::new(seed),
                queue: Default::default(),
            },
            timing: Rng::new(seed ^ 0x7431),
            pointer: Pointer::new(ui),
            pointer_at: (w * 17 / 20, h * 3 / 10),
        };
        // Start with a full screen of earlier output so the very first lines scroll.
        for row in 0..rows - 1 {
            let line = scene.log.next_line();
            scene.draw_line(canvas, row, &line);
        }
        scene.draw_cursor(canvas);
        scene
    }

    fn row_area(&self, row: i32) -> Area {
        Area::new(
            self.grid.x,
            self.grid.y + row * self.line_h,
            self.grid.w,
            self.line_h,
        )
    }

    fn draw_line(&mut self, canvas: &mut Canvas, row: i32, line: &Line) {
        let area = self.row_area(row);
        canvas.fill(area, BACKGROUND);
        let runs: Vec<(&str, Bgra)> = line.iter().map(|(t, c)| (t.as_str(), *c)).collect();
        let old = canvas.set_clip(self.grid);
        self.glyphs
            .draw_runs(canvas, self.style, area.x, area.y, &runs);
        canvas.set_clip(old);
    }

    fn draw_cursor(&mut self, canvas: &mut Canvas) {
        let area = self.row_area(self.rows - 1);
        canvas.fill(area, BACKGROUND);
        let cell = self.glyphs.measure(self.style, "m");
        canvas.fill(Area::new(area.x, area.y, cell, self.line_h), TEXT);
    }
}

impl Animate for TerminalScroll {
    fn step(&mut self, canvas: &mut Canvas, n: u64) -> bool {
        // Output arrives in bursts: about a third of frames are quiet, the rest bring 1-4 lines.
        let new_lines = match self.timing.below(12) {
            0..=3 => 0,
            4..=7 => 1,
            8..=9 => 2,
            10 => 3,
            _ => 4,
        }
        .min(self.rows - 1);
        if new_lines == 0 && n > 0 {
            return false;
        }
        self.pointer.lift(canvas);
        if new_lines > 0 {
            let shift = new_lines * self.line_h;
            let kept = Area::new(
                self.grid.x,
                self.grid.y + shift,
                self.grid.w,
                self.grid.h - shift,
            );
            canvas.copy_within(kept, self.grid.x, self.grid.y);
            for i in 0..new_lines {
                let line = self.log.next_line();
                self.draw_line(canvas, self.rows - 1 - new_lines + i, &line);
            }
            self.draw_cursor(canvas);
        }
        self.pointer
            .place(canvas, self.pointer_at.0, self.pointer_at.1);
        true
    }
}
