//! A browser window (tabs, toolbar, fixed site header and sidebar, scrolling content pane
//! with a scrollbar), the `page-scroll` scene that scrolls it smoothly and the `scroll-back`
//! scene that scrolls it down with the wheel and back up.

use super::canvas::{rgb, Area, Canvas};
use super::desktop::{self, Pointer, Ui, LIGHT};
use super::document::Document;
use super::noise::sin_q;
use super::text::{Face, GlyphCache};
use super::Animate;

/// How long the scrollbar pretends the page is, in viewport heights.
const PAGE_VIEWPORTS: i32 = 30;

/// Viewport heights of the page above the view the document keeps laid out, to scroll back to.
const KEPT_VIEWPORTS: i32 = 4;

pub(crate) struct Browser {
    ui: Ui,
    /// The scrolling part of the page (right of the sidebar, below the site header).
    pane: Area,
    scrollbar: Area,
    column_x: i32,
    doc: Document,
    scrolled: i32,
}

impl Browser {
    /// Draws the browser into `client` (the window's client area) with the page at the top.
    pub(crate) fn new(
        canvas: &mut Canvas,
        glyphs: &mut GlyphCache,
        ui: Ui,
        client: Area,
        seed: u64,
    ) -> Self {
        let ui_font = ui.font(Face::Sans, 13.5);
        // Tab strip.
        let tabs = Area::new(client.x, client.y, client.w, ui.px(40));
        canvas.fill(tabs, rgb(0xdee1e6));
        let tab_w = ui.px(240);
        let titles = [
            "Remote support sessions \u{2014} meekijk docs",
            "Inbox (3) \u{2014} Mail",
            "Issue #7 \u{00b7} meekijk",
        ];
        for (i, title) in titles.iter().enumerate() {
            let tab = Area::new(
                tabs.x + ui.px(8) + i as i32 * (tab_w + ui.px(2)),
                tabs.y + ui.px(6),
                tab_w,
                tabs.h - ui.px(6),
            );
            if i == 0 {
                canvas.rounded(
                    Area::new(tab.x, tab.y, tab.w, tab.h + ui.px(10)),
                    ui.px(8),
                    rgb(0xffffff),
                );
            } else {
                canvas.fill(
                    Area::new(tab.right(), tab.y + ui.px(8), 1, tab.h - ui.px(16)),
                    rgb(0x9aa0a6),
                );
            }
            canvas.disc(
                tab.x + ui.px(18),
                tab.y + tab.h / 2,
                ui.px(7),
                [0xda, 0x6f, 0x1f + 40 * i as u8, 255],
            );
            let old = canvas.set_clip(Area::new(tab.x, tab.y, tab.w - ui.px(30), tab.h));
            glyphs.draw(
                canvas,
                ui_font,
                tab.x + ui.px(32),
                tab.y + ui.px(9),
                title,
                rgb(0x3c4043),
            );
            canvas.set_clip(old);
            glyphs.draw(
                canvas,
                ui_font,
                tab.right() - ui.px(22),
                tab.y + ui.px(9),
                "\u{00d7}",
                rgb(0x5f6368),
            );
        }
        // Toolbar with navigation buttons and the address field.
        let bar = Area::new(client.x, tabs.bottom(), client.w, ui.px(44));
        canvas.fill(bar, rgb(0xffffff));
        let nav = ui.font(Face::Sans, 18.0);
        let mut x = bar.x + ui.px(14);
        for symbol in ["\u{2190}", "\u{2192}", "\u{21bb}"] {
            glyphs.draw(canvas, nav, x, bar.y + ui.px(9), symbol, rgb(0x5f6368));
            x += ui.px(38);
        }
        let url = Area::new(
            x + ui.px(6),
            bar.y + ui.px(6),
            bar.w - x - ui.px(110),
            bar.h - ui.px(12),
        );
        canvas.rounded(url, url.h / 2, rgb(0xf1f3f4));
        let host = glyphs.draw(
            canvas,
            ui_font,
            url.x + ui.px(40),
            url.y + ui.px(7),
            "docs.meekijk.example",
            rgb(0x202124),
        );
        glyphs.draw(
            canvas,
            ui_font,
            host,
            url.y + ui.px(7),
            "/guide/sessions#remote-support",
            rgb(0x70757a),
        );
        glyphs.draw(
            canvas,
            ui_font,
            url.x + ui.px(14),
            url.y + ui.px(7),
            "\u{2139}",
            rgb(0x5f6368),
        );
        glyphs.draw(
            canvas,
            nav,
            bar.right() - ui.px(88),
            bar.y + ui.px(9),
            "\u{2606}",
            rgb(0x5f6368),
        );
        glyphs.draw(
            canvas,
            nav,
            bar.right() - ui.px(40),
            bar.y + ui.px(9),
            "\u{22ee}",
            rgb(0x5f6368),
        );
        canvas.fill(
            Area::new(client.x, bar.bottom(), client.w, 1),
            rgb(0xdadce0),
        );
        // Site header (sticky) and sidebar.
        let header = Area::new(client.x, bar.bottom() + 1, client.w, ui.px(60));
        canvas.fill(header, rgb(0x1f3a5f));
        let brand = ui.font(Face::Sans, 20.0);
        glyphs.draw(
            canvas,
            brand,
            header.x + ui.px(28),
            header.y + ui.px(16),
            "meekijk docs",
            rgb(0xffffff),
        );
        let mut x = header.x + ui.px(330);
        for link in ["Guide", "API", "Benchmarks", "Security", "Download"] {
            x = glyphs.draw(
                canvas,
                ui_font,
                x,
                header.y + ui.px(21),
                link,
                rgb(0xc9d6e8),
            ) + ui.px(30);
        }
        let search = Area::new(
            header.right() - ui.px(300),
            header.y + ui.px(14),
            ui.px(260),
            header.h - ui.px(28),
        );
        canvas.rounded(search, ui.px(6), rgb(0x2c4d78));
        glyphs.draw(
            canvas,
            ui_font,
            search.x + ui.px(12),
            search.y + ui.px(7),
            "Search the docs   Ctrl K",
            rgb(0x9fb3cc),
        );
        let body_top = header.bottom();
        let sidebar = Area::new(client.x, body_top, ui.px(280), client.bottom() - body_top);
        canvas.fill(sidebar, rgb(0xf6f8fa));
        canvas.fill(
            Area::new(sidebar.right() - 1, sidebar.y, 1, sidebar.h),
            rgb(0xd0d7de),
        );
        let small = ui.font(Face::Sans, 11.5);
        let mut y = sidebar.y + ui.px(24);
        for (section, items) in [
            (
                "GETTING STARTED",
                &[
                    "Installation",
                    "Your first session",
                    "Remote support sessions",
                    "Consent and control",
                ][..],
            ),
            (
                "REFERENCE",
                &["Command line", "Configuration", "Receipts", "Benchmarks"][..],
            ),
            (
                "SECURITY",
                &["Threat model", "Privacy masks", "Reporting issues"][..],
            ),
        ] {
            glyphs.draw(
                canvas,
                small,
                sidebar.x + ui.px(24),
                y,
                section,
                rgb(0x57606a),
            );
            y += ui.px(28);
            for item in items {
                let selected = *item == "Remote support sessions";
                if selected {
                    canvas.fill(
                        Area::new(
                            sidebar.x + ui.px(12),
                            y - ui.px(5),
                            sidebar.w - ui.px(24),
                            ui.px(28),
                        ),
                        rgb(0xe7edf3),
                    );
                    canvas.fill(
                        Area::new(sidebar.x + ui.px(12), y - ui.px(5), ui.px(3), ui.px(28)),
                        rgb(0x1f6feb),
                    );
                }
                let color = if selected {
                    rgb(0x0969da)
                } else {
                    rgb(0x24292f)
                };
                glyphs.draw(canvas, ui_font, sidebar.x + ui.px(28), y, item, color);
                y += ui.px(30);
            }
            y += ui.px(16);
        }
        let scroll_w = ui.px(12);
        let pane = Area::new(
            sidebar.right(),
            body_top,
            client.right() - sidebar.right() - scroll_w,
            client.bottom() - body_top,
        );
        let scrollbar = Area::new(pane.right(), body_top, scroll_w, pane.h);
        let column_w = (pane.w - ui.px(96)).min(ui.px(820)).max(1);
        let column_x = pane.x + ui.px(56);
        let mut browser = Self {
            ui,
            pane,
            scrollbar,
            column_x,
            doc: Document::new(ui, column_w, seed),
            scrolled: 0,
        };
        browser.doc.draw(canvas, glyphs, pane, 0, column_x);
        browser.draw_scrollbar(canvas);
        browser
    }

    fn draw_scrollbar(&self, canvas: &mut Canvas) {
        let track = self.scrollbar;
        canvas.fill(track, rgb(0xf1f1f1));
        let thumb_h = (track.h / PAGE_VIEWPORTS).max(self.ui.px(24));
        let travel = (track.h - thumb_h).max(0);
        let total = (self.pane.h * (PAGE_VIEWPORTS - 1)).max(1);
        let pos = (self.scrolled.min(total) as i64 * travel as i64 / total as i64) as i32;
        let thumb = Area::new(
            track.x + self.ui.px(2),
            track.y + pos,
            track.w - self.ui.px(4),
            thumb_h,
        );
        canvas.rounded(thumb, thumb.w / 2, rgb(0xc1c1c1));
    }

    /// Scrolls the content pane down by `dy` pixels (up for a negative `dy`, as far as the
    /// top of the page and a few viewports back): moves what stays, draws the new strip.
    pub(crate) fn scroll(&mut self, canvas: &mut Canvas, glyphs: &mut GlyphCache, dy: i32) {
        let dy = dy.clamp(-self.pane.h, self.pane.h);
        let dy = dy.max(-self.scrolled.min(self.pane.h * KEPT_VIEWPORTS));
        if dy == 0 {
            return;
        }
        self.scrolled += dy;
        let (h, pane) = (dy.abs(), self.pane);
        let (from, to, strip, strip_top) = if dy > 0 {
            let strip = Area::new(pane.x, pane.bottom() - h, pane.w, h);
            (pane.y + h, pane.y, strip, self.scrolled + pane.h - h)
        } else {
            let strip = Area::new(pane.x, pane.y, pane.w, h);
            (pane.y, pane.y + h, strip, self.scrolled)
        };
        canvas.copy_within(Area::new(pane.x, from, pane.w, pane.h - h), pane.x, to);
        self.doc
            .draw(canvas, glyphs, strip, strip_top, self.column_x);
        self.doc
            .forget_above(self.scrolled - self.pane.h * KEPT_VIEWPORTS);
        self.draw_scrollbar(canvas);
    }
}

/// The browser window on a desktop, maximised below the panel.
pub(crate) fn browser_desktop(
    canvas: &mut Canvas,
    glyphs: &mut GlyphCache,
    ui: Ui,
    seed: u64,
) -> Browser {
    desktop::wallpaper(canvas);
    let panel = desktop::top_panel(canvas, glyphs, ui, "Web Browser    Wed 25 Nov  14:32");
    let dock = desktop::dock(canvas, glyphs, ui, panel, 1);
    let (w, h) = (canvas.width(), canvas.height());
    let outer = Area::new(
        dock + ui.px(20),
        panel + ui.px(16),
        w - dock - ui.px(40),
        h - panel - ui.px(34),
    );
    let client = desktop::window(
        canvas,
        glyphs,
        ui,
        outer,
        "Remote support sessions \u{2014} meekijk docs \u{2014} Web Browser",
        LIGHT,
    );
    Browser::new(canvas, glyphs, ui, client, seed)
}

/// `page-scroll`: the documentation page scrolls at a gently varying 1–7 px a frame (at 1080p).
pub(crate) struct PageScroll {
    ui: Ui,
    glyphs: GlyphCache,
    browser: Browser,
    pointer: Pointer,
    pointer_at: (i32, i32),
}

impl PageScroll {
    pub(crate) fn new(canvas: &mut Canvas, seed: u64) -> Self {
        let ui = Ui::for_size(canvas.width(), canvas.height());
        let mut glyphs = GlyphCache::default();
        let browser = browser_desktop(canvas, &mut glyphs, ui, seed);
        let pointer_at = (canvas.width() * 3 / 5, canvas.height() * 3 / 5);
        Self {
            ui,
            glyphs,
            browser,
            pointer: Pointer::new(ui),
            pointer_at,
        }
    }
}

impl Animate for PageScroll {
    fn step(&mut self, canvas: &mut Canvas, n: u64) -> bool {
        // Speed follows a slow sine (period 90 frames) between 1 and 7 px at 1080p.
        let speed_1080 = 4 + (3 * sin_q((n * 65536 / 90) as u32) + 512).div_euclid(1024);
        let dy = ((speed_1080 as f32) * self.ui.scale).round() as i32;
        if n > 0 && dy == 0 {
            return false;
        }
        self.pointer.lift(canvas);
        if n > 0 {
            self.browser.scroll(canvas, &mut self.glyphs, dy);
        }
        self.pointer
            .place(canvas, self.pointer_at.0, self.pointer_at.1);
        true
    }
}

/// `scroll-back`: the documentation page scrolls down with the wheel (3–21 px a frame at
/// 1080p) for 70 frames, rests, and scrolls back up the same way to where it started.
pub(crate) struct ScrollBack {
    page: PageScroll,
}

impl ScrollBack {
    pub(crate) fn new(canvas: &mut Canvas, seed: u64) -> Self {
        Self {
            page: PageScroll::new(canvas, seed),
        }
    }

    /// The wheel's speed in frame `n` of the way down (1080p pixels).
    fn speed(n: u64) -> i32 {
        3 * (4 + (3 * sin_q((n * 65536 / 90) as u32) + 512).div_euclid(1024))
    }
}

impl Animate for ScrollBack {
    fn step(&mut self, canvas: &mut Canvas, n: u64) -> bool {
        const DOWN: u64 = 70;
        const REST: u64 = 10;
        let speed_1080 = match n {
            1..=DOWN => Self::speed(n),
            n if n > DOWN + REST && n <= 2 * DOWN + REST => -Self::speed(2 * DOWN + REST + 1 - n),
            _ => 0,
        };
        let page = &mut self.page;
        let dy = ((speed_1080 as f32) * page.ui.scale).round() as i32;
        if n > 0 && dy == 0 {
            return false;
        }
        page.pointer.lift(canvas);
        page.browser.scroll(canvas, &mut page.glyphs, dy);
        page.pointer
            .place(canvas, page.pointer_at.0, page.pointer_at.1);
        true
    }
}
