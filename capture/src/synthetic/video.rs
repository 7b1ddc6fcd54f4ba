//! `video`: a media player showing a moving, photo-like landscape (camera pan, drifting cloud
//! shadows, film grain: every pixel changes, never as a rigid shift) in a 960×540 region at
//! 1080p, beside static text.

use super::canvas::{blend, rgb, Area, Bgra, Canvas};
use super::desktop::{self, Pointer, Ui, DARK};
use super::noise::{fractal, Rng};
use super::text::{Face, GlyphCache};
use super::{frame_ms, Animate};

/// Grain table length beyond one frame, so each frame can start at a different offset.
const GRAIN_SLACK: usize = 8192;

pub(crate) struct VideoScene {
    fps: u32,
    ui: Ui,
    glyphs: GlyphCache,
    rng: Rng,
    region: Area,
    controls: Area,
    /// The landscape, wider than the region so the camera can pan; BGRA.
    land: Vec<u8>,
    land_w: i32,
    /// Cloud shade (128 = unlit … 255 = full sun), periodic in x and padded by one region width.
    shade: Vec<u8>,
    shade_period: i32,
    shade_w: i32,
    grain: Vec<i8>,
    second: u64,
}

impl VideoScene {
    pub(crate) fn new(canvas: &mut Canvas, fps: u32, seed: u64) -> Self {
        let ui = Ui::for_size(canvas.width(), canvas.height());
        let mut glyphs = GlyphCache::default();
        let mut rng = Rng::new(seed);
        desktop::wallpaper(canvas);
        let panel = desktop::top_panel(canvas, &mut glyphs, ui, "Videos    Wed 25 Nov  14:32");
        let dock = desktop::dock(canvas, &mut glyphs, ui, panel, 4);
        let (w, h) = (canvas.width(), canvas.height());
        let outer = Area::new(
            dock + ui.px(30),
            panel + ui.px(22),
            w - dock - ui.px(60),
            h - panel - ui.px(46),
        );
        let client = desktop::window(
            canvas,
            &mut glyphs,
            ui,
            outer,
            "Walking the Dolomites (4K) \u{2014} Videos",
            DARK,
        );
        canvas.fill(client, rgb(0x181818));
        let region = Area::new(
            client.x + ui.px(24),
            client.y + ui.px(20),
            ui.px(960),
            ui.px(540),
        );
        let controls = Area::new(region.x, region.bottom(), region.w, ui.px(46));
        draw_static_text(canvas, &mut glyphs, ui, client, region, controls);
        let seed32 = rng.next_u64() as u32;
        let (vw, vh) = (region.w.max(1), region.h.max(1));
        let land_w = vw + vw / 2;
        let land = landscape(land_w, vh, seed32);
        let shade_period = vw * 2;
        let shade_w = shade_period + vw;
        let mut shade = vec![0u8; (shade_w * vh) as usize];
        let cell = (vw / 5).max(2);
        for y in 0..vh {
            for x in 0..shade_w {
                // Periodic noise (period = shade_period / cell cells) so the drift wraps seamlessly.
                let n = fractal(
                    x % shade_period,
                    y,
                    cell,
                    shade_period / cell,
                    seed32 ^ 0x5eed,
                ) as i32;
                shade[(y * shade_w + x) as usize] = (150 + (n - 90).clamp(0, 105)) as u8;
            }
        }
        let grain = (0..(vw * vh) as usize + GRAIN_SLACK)
            .map(|_| (rng.below(13) as i8) - 6)
            .collect();
        Self {
            fps,
            ui,
            glyphs,
            rng,
            region,
            controls,
            land,
            land_w,
            shade,
            shade_period,
            shade_w,
            grain,
            second: u64::MAX,
        }
    }

    fn draw_controls(&mut self, canvas: &mut Canvas, ms: u64) {
        let ui = self.ui;
        let c = self.controls;
        canvas.fill(c, rgb(0x202020));
        let total_ms = 296_000u64;
        let played = (ms + 83_000) % total_ms;
        let bar = Area::new(c.x, c.y, c.w, ui.px(4));
        canvas.fill(bar, rgb(0x555555));
        canvas.fill(
            Area::new(
                bar.x,
                bar.y,
                (bar.w as u64 * played / total_ms) as i32,
                bar.h,
            ),
            rgb(0xff3b30),
        );
        let font = ui.font(Face::Sans, 14.0);
        let white = rgb(0xf0f0f0);
        let top = c.y + ui.px(14);
        glyphs_draw(
            &mut self.glyphs,
            canvas,
            font,
            c.x + ui.px(14),
            top,
            "\u{275a}\u{275a}",
            white,
        );
        glyphs_draw(
            &mut self.glyphs,
            canvas,
            font,
            c.x + ui.px(56),
            top,
            "\u{25b6}\u{258f}",
            white,
        );
        let time = format!("{}:{:02} / 4:56", played / 60_000, played / 1000 % 60);
        glyphs_draw(
            &mut self.glyphs,
            canvas,
            font,
            c.x + ui.px(100),
            top,
            &time,
            white,
        );
        glyphs_draw(
            &mut self.glyphs,
            canvas,
            font,
            c.right() - ui.px(120),
            top,
            "HD   \u{2699}   \u{2197}",
            white,
        );
    }
}

fn glyphs_draw(
    glyphs: &mut GlyphCache,
    canvas: &mut Canvas,
    font: super::text::Style,
    x: i32,
    y: i32,
    text: &str,
    color: Bgra,
) {
    glyphs.draw(canvas, font, x, y, text, color);
}

/// Title, description and an "up next" list: text that stays still beside the video.
fn draw_static_text(
    canvas: &mut Canvas,
    glyphs: &mut GlyphCache,
    ui: Ui,
    client: Area,
    region: Area,
    controls: Area,
) {
    let white = rgb(0xf1f1f1);
    let grey = rgb(0xaaaaaa);
    let title = ui.font(Face::Sans, 21.0);
    let body = ui.font(Face::Sans, 14.0);
    let mut y = controls.bottom() + ui.px(18);
    glyphs.draw(
        canvas,
        title,
        region.x,
        y,
        "Walking the Dolomites: a slow film in 4K",
        white,
    );
    y += ui.px(36);
    glyphs.draw(
        canvas,
        body,
        region.x,
        y,
        "Alpine Light \u{00b7} 1.2M views \u{00b7} 3 weeks ago",
        grey,
    );
    y += ui.px(34);
    let description = [
        "Five days on foot between the huts of the Puez-Odle and Sella groups, filmed at",
        "dawn and dusk. No music, no narration: just wind, bells and the light moving over",
        "the meadows. Shot on a handheld gimbal, graded for a calm, natural look.",
    ];
    for line in description {
        glyphs.draw(canvas, body, region.x, y, line, white);
        y += ui.px(24);
    }
    let x0 = region.right() + ui.px(28);
    let mut y = region.y;
    glyphs.draw(canvas, ui.font(Face::Sans, 16.0), x0, y, "Up next", white);
    y += ui.px(34);
    let titles = [
        (
            "Rain on a tin roof, 3 hours",
            "Quiet Places \u{00b7} 4.1M views",
        ),
        (
            "Fjords of Norway by drone",
            "Northbound \u{00b7} 870K views",
        ),
        (
            "Night train through the Alps",
            "Rail Stories \u{00b7} 2.3M views",
        ),
        (
            "Making sourdough, start to finish",
            "Crumb \u{00b7} 650K views",
        ),
        ("Tide pools at low water", "Blue Hour \u{00b7} 310K views"),
        (
            "A day at a mountain hut",
            "Alpine Light \u{00b7} 1.9M views",
        ),
    ];
    let (tw, th) = (ui.px(168), ui.px(94));
    for (i, (name, meta)) in titles.iter().enumerate() {
        if y + th > client.bottom() {
            break;
        }
        let thumb = Area::new(x0, y, tw, th);
        let hue = [0x5a, 0x7a, 0x3f, 0x8c, 0x2f, 0x6d][i];
        canvas.gradient(
            thumb,
            [hue, 0x90, 0xc0 - hue / 2, 255],
            [0x30, hue, 0x40, 255],
        );
        canvas.disc(
            thumb.x + tw * 2 / 3,
            thumb.y + th / 3,
            ui.px(12),
            rgb(0xf6e7b0),
        );
        glyphs.draw(canvas, body, x0 + tw + ui.px(14), y + ui.px(6), name, white);
        glyphs.draw(
            canvas,
            ui.font(Face::Sans, 12.5),
            x0 + tw + ui.px(14),
            y + ui.px(32),
            meta,
            grey,
        );
        y += th + ui.px(14);
    }
}

/// A mountain landscape: sky with clouds, three ridges in aerial perspective, a flowered
/// meadow. Ridge lines are anti-aliased from four vertical subsamples per pixel.
fn landscape(w: i32, h: i32, seed: u32) -> Vec<u8> {
    let mut out = vec![0u8; (w * h * 4) as usize];
    // Ridge heights in 1/16 px, per column.
    let ridges: Vec<[i32; 3]> = (0..w)
        .map(|x| {
            let r = |cell: i32, base: i32, amp: i32, s: u32| {
                base * h * 16 / 100
                    + (fractal(x, 0, cell.max(2), 1 << 20, seed ^ s) as i32 - 128) * amp * h * 16
                        / 12800
            };
            [
                r(w / 5, 42, 38, 1),
                r(w / 8, 55, 26, 2),
                r(w / 12, 68, 14, 3),
            ]
        })
        .collect();
    for y in 0..h {
        for x in 0..w {
            let ridge = &ridges[x as usize];
            // Nearer ridges hide farther ones: the layer is the last boundary passed.
            let layer_at = |sub: i32| ridge.iter().take_while(|&&r| sub >= r).count();
            let samples = [2, 6, 10, 14].map(|s| layer_at(y * 16 + s));
            let detail = fractal(x, y, (h / 10).max(2), 1 << 20, seed ^ 77);
            let fine = fractal(x, y, (h / 60).max(2), 1 << 20, seed ^ 91);
            let c = if samples.iter().all(|&l| l == samples[0]) {
                layer_color(samples[0], x, y, ridge[0] / 16, detail, fine)
            } else {
                let mut sum = [0u32; 3];
                for l in samples {
                    let c = layer_color(l, x, y, ridge[0] / 16, detail, fine);
                    for i in 0..3 {
                        sum[i] += c[i] as u32;
                    }
                }
                [
                    (sum[0] / 4) as u8,
                    (sum[1] / 4) as u8,
                    (sum[2] / 4) as u8,
                    255,
                ]
            };
            let i = ((y * w + x) * 4) as usize;
            out[i..i + 4].copy_from_slice(&c);
        }
    }
    out
}

/// The colour of layer `layer` (0 sky, 1-2 far and near mountains, 3 meadow) at a pixel.
fn layer_color(layer: usize, x: i32, y: i32, horizon: i32, detail: u32, fine: u32) -> Bgra {
    const MOUNTAINS: [(Bgra, Bgra); 3] = [
        (rgb(0x8d9bb8), rgb(0x6f7f9e)),
        (rgb(0x4f6a6e), rgb(0x36504c)),
        (rgb(0x3f6b32), rgb(0x2c4f22)),
    ];
    if layer == 0 {
        let t = (y.max(0) * 255 / horizon.max(1)).min(255) as u32;
        let sky = [
            blend(0xd8, 0xe8, t),
            blend(0x9c, 0xd6, t),
            blend(0x5a, 0xc4, t),
        ];
        let cloud = detail.saturating_sub(140) * 2;
        return [
            blend(sky[0], 0xf4, cloud),
            blend(sky[1], 0xf4, cloud),
            blend(sky[2], 0xf6, cloud),
            255,
        ];
    }
    let (light, dark) = MOUNTAINS[layer - 1];
    let mut c = light;
    for i in 0..3 {
        c[i] = blend(light[i], dark[i], detail);
    }
    if layer == 3 {
        // Meadow texture: yellow-green patches and small flowers.
        let f = fine as i32;
        c[1] = (c[1] as i32 + (f - 128) / 3).clamp(0, 255) as u8;
        c[2] = (c[2] as i32 + (f - 128) / 4 + (detail as i32 - 128) / 3).clamp(0, 255) as u8;
        if fine > 200 && (x * 7 + y * 13) % 5 == 0 {
            c = if detail > 128 {
                rgb(0xf4e04d)
            } else {
                rgb(0xe8e4f0)
            };
        }
    }
    c
}

impl Animate for VideoScene {
    fn step(&mut self, canvas: &mut Canvas, n: u64) -> bool {
        let ms = frame_ms(n, self.fps);
        if n == 0 {
            let ui = self.ui;
            let pointer_at = (self.region.right() + ui.px(200), self.region.y + ui.px(300));
            Pointer::new(ui).place(canvas, pointer_at.0, pointer_at.1);
        }
        if ms / 1000 != self.second {
            self.second = ms / 1000;
            self.draw_controls(canvas, ms);
        }
        let (vw, vh) = (self.region.w, self.region.h);
        // The camera pans 2 px a frame (at 1080p) back and forth; clouds drift at 3 px.
        let range = (self.land_w - vw).max(1);
        let p = (n as i64 * self.ui.px(2) as i64).rem_euclid(2 * range as i64) as i32;
        let pan = if p < range { p } else { 2 * range - p };
        let drift = (n as i64 * self.ui.px(3) as i64).rem_euclid(self.shade_period as i64) as i32;
        let grain_at = self.rng.below(GRAIN_SLACK as u64) as usize;
        let (area, data, stride) = canvas.rows_mut(self.region);
        if area.w != vw || area.h != vh {
            return true;
        }
        for y in 0..vh {
            let dst = &mut data[(area.y + y) as usize * stride + area.x as usize * 4..]
                [..vw as usize * 4];
            let land = &self.land[((y * self.land_w + pan) * 4) as usize..][..vw as usize * 4];
            let shade = &self.shade[(y * self.shade_w + drift) as usize..][..vw as usize];
            let grain = &self.grain[grain_at + (y * vw) as usize..][..vw as usize];
            for (((d, l), &s), &g) in dst
                .chunks_exact_mut(4)
                .zip(land.chunks_exact(4))
                .zip(shade)
                .zip(grain)
            {
                for c in 0..3 {
                    let v = ((l[c] as i32 * s as i32) >> 8) + (l[c] as i32 >> 2) + g as i32;
                    d[c] = v.clamp(0, 255) as u8;
                }
                d[3] = 255;
            }
        }
        true
    }
}
