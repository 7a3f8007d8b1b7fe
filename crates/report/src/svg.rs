//! Inline SVG charts for the bench page (no script, no external assets).

use std::fmt::Write as _;

use crate::diffhl::escape_html;

/// A point with an interval.
#[derive(Clone, Copy, Debug)]
pub struct Point {
    /// Position on the x axis (run index).
    pub x: f64,
    /// Value.
    pub y: f64,
    /// Interval low.
    pub low: f64,
    /// Interval high.
    pub high: f64,
    /// Drawn hollow: a run the gate does not judge (quick, or from a loaded machine).
    pub faded: bool,
}

/// A named line.
#[derive(Clone, Debug)]
pub struct Series {
    /// Legend text.
    pub name: String,
    /// Points, by x.
    pub points: Vec<Point>,
}

const PALETTE: [&str; 8] = [
    "#2457c5", "#e0342c", "#3fa34d", "#8e44ad", "#f29d12", "#17a2b8", "#7b4f2c", "#555555",
];

/// A log-scale line chart with interval bars, x labels and a legend; `unit` follows the
/// values in the tooltips (`MiB/s`). Faded points are hollow.
pub fn line_chart(
    series: &[Series],
    labels: &[String],
    w: u32,
    h: u32,
    title: &str,
    unit: &str,
) -> String {
    let pts: Vec<&Point> = series.iter().flat_map(|s| s.points.iter()).collect();
    if pts.is_empty() {
        return String::new();
    }
    let (l, r, t, b) = (70.0, 170.0, 28.0, 46.0);
    let (wf, hf) = (f64::from(w), f64::from(h));
    // the axis spans the values and their intervals, each interval clipped to a factor
    // of 4 around its value (an interval from 3 noisy samples can reach 0)
    let lo = pts
        .iter()
        .map(|p| whisker(p).0)
        .filter(|v| *v > 0.0)
        .fold(f64::INFINITY, f64::min);
    let hi = pts
        .iter()
        .map(|p| whisker(p).1)
        .fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() || !hi.is_finite() {
        return String::new();
    }
    let (l0, l1) = ((lo * 0.8).log10().floor(), (hi * 1.25).log10().ceil());
    let l1 = if l1 <= l0 { l0 + 1.0 } else { l1 };
    let nx = labels.len().max(1);
    let xs = |x: f64| {
        if nx == 1 {
            l + (wf - l - r) / 2.0
        } else {
            l + x * (wf - l - r) / ((nx - 1) as f64)
        }
    };
    let ys = |y: f64| t + (hf - t - b) * (1.0 - (y.max(1e-12).log10() - l0) / (l1 - l0));
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="system-ui, sans-serif" font-size="11">"#
    );
    let _ = write!(
        s,
        r##"<text x="{l}" y="16" font-size="12" fill="#1d2330">{}</text>"##,
        escape_html(title)
    );
    // decades and 2x/5x gridlines
    let mut d = l0;
    while d <= l1 {
        for m in [1.0, 2.0, 5.0] {
            let v = 10f64.powf(d) * m;
            if v.log10() > l1 + 1e-9 {
                break;
            }
            let y = ys(v);
            let _ = write!(
                s,
                r##"<line x1="{l}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="{}" />"##,
                wf - r,
                if m == 1.0 { "#d0d4da" } else { "#eef0f3" }
            );
            let _ = write!(
                s,
                r##"<text x="{}" y="{:.1}" text-anchor="end" fill="#667085">{}</text>"##,
                l - 6.0,
                y + 4.0,
                fmt_axis(v)
            );
        }
        d += 1.0;
    }
    for (i, lab) in labels.iter().enumerate() {
        let x = xs(i as f64);
        let fit = (((wf - l - r) / 95.0) as usize).max(2);
        let every = labels.len().div_ceil(fit).max(1);
        if i % every == 0 || i + 1 == labels.len() {
            let _ = write!(
                s,
                r##"<text x="{x:.1}" y="{}" text-anchor="middle" fill="#667085">{}</text>"##,
                hf - b + 16.0,
                escape_html(lab)
            );
        }
    }
    for (si, ser) in series.iter().enumerate() {
        let color = PALETTE[si % PALETTE.len()];
        let path: Vec<String> = ser
            .points
            .iter()
            .map(|p| format!("{:.1},{:.1}", xs(p.x), ys(p.y)))
            .collect();
        if path.len() > 1 {
            let _ = write!(
                s,
                r#"<polyline fill="none" stroke="{color}" stroke-width="2" points="{}" />"#,
                path.join(" ")
            );
        }
        for p in &ser.points {
            let x = xs(p.x);
            let label = labels.get(p.x as usize).map_or("", String::as_str);
            let (wl, wh) = whisker(p);
            let _ = write!(
                s,
                r#"<line x1="{x:.1}" x2="{x:.1}" y1="{:.1}" y2="{:.1}" stroke="{color}" stroke-width="1.5" /><circle cx="{x:.1}" cy="{:.1}" r="3.2" fill="{}" stroke="{color}" stroke-width="1.5"><title>{}: {} {} ({}–{}) {}{}</title></circle>"#,
                ys(wl),
                ys(wh),
                ys(p.y),
                if p.faded { "#fff" } else { color },
                escape_html(&ser.name),
                fmt_value(p.y),
                escape_html(unit),
                fmt_value(p.low),
                fmt_value(p.high),
                escape_html(label),
                if p.faded { " (not comparable)" } else { "" }
            );
        }
        let ly = t + 14.0 + 16.0 * si as f64;
        let _ = write!(
            s,
            r##"<rect x="{}" y="{:.1}" width="12" height="3" fill="{color}" /><text x="{}" y="{:.1}" fill="#1d2330">{}</text>"##,
            wf - r + 14.0,
            ly - 4.0,
            wf - r + 32.0,
            ly,
            escape_html(&ser.name)
        );
    }
    s.push_str("</svg>");
    s
}

/// A point's interval for drawing: clipped to a factor of 4 around the value.
fn whisker(p: &Point) -> (f64, f64) {
    let low = if p.low > 0.0 {
        p.low.max(p.y / 4.0)
    } else {
        p.y / 4.0
    };
    (low.min(p.y), p.high.min(p.y * 4.0).max(p.y))
}

/// A value for a tooltip: three significant digits or so.
fn fmt_value(v: f64) -> String {
    if v.abs() >= 1e9 {
        format!("{:.2}G", v / 1e9)
    } else if v.abs() >= 1e6 {
        format!("{:.2}M", v / 1e6)
    } else if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

fn fmt_axis(v: f64) -> String {
    if v >= 1e9 {
        return format!("{:.0}G", v / 1e9);
    }
    if v >= 1e6 {
        return format!("{:.0}M", v / 1e6);
    }
    if v >= 1000.0 {
        format!("{:.0}k", v / 1000.0)
    } else if v >= 1.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

/// A small line of `points` over `n` slots (x = slot index), with interval whiskers; `unit`
/// follows the values in the tooltips. Faded points are hollow.
pub fn sparkline(points: &[Point], n: usize, w: u32, h: u32, unit: &str) -> String {
    if points.is_empty() {
        return String::new();
    }
    let (wf, hf) = (f64::from(w), f64::from(h));
    let lo = points
        .iter()
        .map(|p| whisker(p).0)
        .fold(f64::INFINITY, f64::min);
    let hi = points
        .iter()
        .map(|p| whisker(p).1)
        .fold(f64::NEG_INFINITY, f64::max);
    let span = if hi > lo { hi - lo } else { hi.abs().max(1.0) };
    let xs = |x: f64| 3.0 + x * (wf - 6.0) / ((n.max(2) - 1) as f64);
    let ys = |y: f64| 3.0 + (hf - 6.0) * (1.0 - (y - lo) / span);
    let mut s = format!(
        r#"<svg class="spark" xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">"#
    );
    let path: Vec<String> = points
        .iter()
        .map(|p| format!("{:.1},{:.1}", xs(p.x), ys(p.y)))
        .collect();
    if path.len() > 1 {
        let _ = write!(
            s,
            r##"<polyline fill="none" stroke="#2457c5" stroke-width="1.5" points="{}" />"##,
            path.join(" ")
        );
    }
    for p in points {
        let x = xs(p.x);
        let _ = write!(
            s,
            r##"<line x1="{x:.1}" x2="{x:.1}" y1="{:.1}" y2="{:.1}" stroke="#9bb3e6" /><circle cx="{x:.1}" cy="{:.1}" r="2" fill="{}" stroke="#2457c5"><title>{} {}{}</title></circle>"##,
            ys(whisker(p).0),
            ys(whisker(p).1),
            ys(p.y),
            if p.faded { "#fff" } else { "#2457c5" },
            fmt_value(p.y),
            escape_html(unit),
            if p.faded { " (not comparable)" } else { "" }
        );
    }
    s.push_str("</svg>");
    s
}
