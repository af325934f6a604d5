//! A participant's progress as charts: one line chart per indicator, a star
//! (radar) chart of all indicators, and the NDI index over time. Drawn on the
//! server with plotters as SVG, so phones download no chart code and paper
//! prints them sharply.
//!
//! Accessible by construction: every chart is an `<svg role="img">` with a
//! `<title>` and a `<desc>` (the change in words, written by the caller),
//! series differ by line style and marker shape as well as colour, and the
//! colours keep at least 4.5:1 contrast on white. The same data is always
//! offered as a table beside the chart by the page.

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use stegvis_domain::progress::{Indicator, Reading};

/// Text that names and describes a chart for people who cannot see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartText {
    /// A unique id prefix for the `<title>`/`<desc>` elements on the page.
    pub id: String,
    pub title: String,
    pub desc: String,
}

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("drawing the chart failed: {0}")]
    Draw(String),
}

/// How one series of the star chart is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesStyle {
    /// Intake: dashed line, round markers, orange.
    First,
    /// The previous check-in: dotted line, triangle markers, grey.
    Previous,
    /// The latest check-in: solid line, square markers, blue.
    Latest,
}

/// One polygon of the star chart: a value in 0.0..=1.0 per axis (`None` is a gap).
#[derive(Debug, Clone, PartialEq)]
pub struct StarSeries {
    pub name: String,
    pub style: SeriesStyle,
    pub values: Vec<Option<f64>>,
}

/// Text and lines: near-black, 16:1 on white.
const INK: RGBColor = RGBColor(0x1a, 0x1a, 0x1a);
/// The latest reading: the brand blue, 8.6:1 on white.
const BLUE: RGBColor = RGBColor(0x1d, 0x4e, 0x89);
/// Intake: a dark orange, 5.6:1 on white.
const ORANGE: RGBColor = RGBColor(0xa3, 0x4a, 0x00);
/// The previous reading: dark grey, 7:1 on white.
const GREY: RGBColor = RGBColor(0x59, 0x59, 0x59);
/// Grid lines: decoration only.
const GRID: RGBColor = RGBColor(0xd0, 0xd0, 0xd0);

const FONT: &str = "sans-serif";
const LINE_SIZE: (u32, u32) = (640, 320);
const STAR_SIZE: (u32, u32) = (560, 520);

fn draw_err<E: std::fmt::Debug>(e: E) -> ChartError {
    ChartError::Draw(format!("{e:?}"))
}

fn style_of(style: SeriesStyle) -> (RGBColor, u32) {
    match style {
        SeriesStyle::First => (ORANGE, 3),
        SeriesStyle::Previous => (GREY, 2),
        SeriesStyle::Latest => (BLUE, 3),
    }
}

/// One indicator over the check-ins: x = the occasions (named), y = the
/// item's answer labels with the best at the top. "Vill inte svara" and
/// missed occasions break the line instead of dropping to zero.
pub fn indicator_chart(
    indicator: &Indicator,
    column_labels: &[String],
    text: &ChartText,
) -> Result<String, ChartError> {
    let columns = column_labels.len().max(1);
    let levels = indicator.levels.len().max(1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, LINE_SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let x_max = i32::try_from(columns).map_err(draw_err)?;
        let y_max = i32::try_from(levels).map_err(draw_err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(150)
            .build_cartesian_2d(
                (0..x_max - 1).into_segmented(),
                (0..y_max - 1).into_segmented(),
            )
            .map_err(draw_err)?;
        let label = |i: usize, labels: &[String]| labels.get(i).cloned().unwrap_or_default();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .max_light_lines(0)
            .light_line_style(GRID)
            .bold_line_style(GRID)
            .axis_style(INK)
            .x_labels(columns)
            .y_labels(levels)
            .label_style((FONT, 15).into_font().color(&INK))
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => usize::try_from(*i)
                    .map(|i| label(i, column_labels))
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => usize::try_from(*i)
                    .map(|i| label(i, &indicator.levels))
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .draw()
            .map_err(draw_err)?;
        let point = |i: usize, level: usize| {
            (
                SegmentValue::CenterOf(i32::try_from(i).unwrap_or(0)),
                SegmentValue::CenterOf(i32::try_from(level).unwrap_or(0)),
            )
        };
        // One line per run of consecutive answers: a gap stays a gap.
        let mut run = Vec::new();
        let mut runs = Vec::new();
        for (i, reading) in indicator.readings.iter().enumerate() {
            match reading {
                Reading::Level(level) => run.push(point(i, *level)),
                _ => runs.push(std::mem::take(&mut run)),
            }
        }
        runs.push(run);
        for run in runs.into_iter().filter(|r| r.len() > 1) {
            chart
                .draw_series(LineSeries::new(run, BLUE.stroke_width(3)))
                .map_err(draw_err)?;
        }
        let points: Vec<_> = indicator
            .readings
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.level().map(|l| point(i, l)))
            .collect();
        chart
            .draw_series(
                points
                    .iter()
                    .map(|p| Circle::new(p.clone(), 7, BLUE.filled())),
            )
            .map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    Ok(accessible(&svg, text))
}

/// The NDI index (0–100) over follow-ups and exit; occasions without an index
/// are gaps.
pub fn ndi_chart(
    values: &[Option<f64>],
    column_labels: &[String],
    text: &ChartText,
) -> Result<String, ChartError> {
    let columns = column_labels.len().max(1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, LINE_SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let x_max = i32::try_from(columns).map_err(draw_err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(56)
            .build_cartesian_2d((0..x_max - 1).into_segmented(), 0.0..100.0_f64)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .max_light_lines(0)
            .light_line_style(GRID)
            .bold_line_style(GRID)
            .axis_style(INK)
            .x_labels(columns)
            .y_labels(6)
            .label_style((FONT, 15).into_font().color(&INK))
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => usize::try_from(*i)
                    .ok()
                    .and_then(|i| column_labels.get(i).cloned())
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .y_label_formatter(&|v| format!("{v:.0}"))
            .draw()
            .map_err(draw_err)?;
        let at = |i: usize| SegmentValue::CenterOf(i32::try_from(i).unwrap_or(0));
        let mut run = Vec::new();
        let mut runs = Vec::new();
        for (i, value) in values.iter().enumerate() {
            match value {
                Some(v) => run.push((at(i), *v)),
                None => runs.push(std::mem::take(&mut run)),
            }
        }
        runs.push(run);
        for run in runs.into_iter().filter(|r| r.len() > 1) {
            chart
                .draw_series(LineSeries::new(run, BLUE.stroke_width(3)))
                .map_err(draw_err)?;
        }
        chart
            .draw_series(
                values
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| v.map(|v| Circle::new((at(i), v), 7, BLUE.filled()))),
            )
            .map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    Ok(accessible(&svg, text))
}

/// The star chart: one spoke per indicator (0 at the centre, best at the
/// rim), one closed polygon per series. Gaps (no answer) leave that corner out.
pub fn star_chart(
    axes: &[String],
    series: &[StarSeries],
    text: &ChartText,
) -> Result<String, ChartError> {
    let n = axes.len().max(3);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, STAR_SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(8)
            .build_cartesian_2d(-1.55..1.55_f64, -1.45..1.45_f64)
            .map_err(draw_err)?;
        let corner = |i: usize, r: f64| {
            let angle = std::f64::consts::FRAC_PI_2 - (i as f64) * std::f64::consts::TAU / n as f64;
            (r * angle.cos(), r * angle.sin())
        };
        // Rings at a quarter, half, three quarters and the rim; spokes.
        for ring in [0.25, 0.5, 0.75, 1.0] {
            let mut points: Vec<_> = (0..n).map(|i| corner(i, ring)).collect();
            points.push(corner(0, ring));
            chart
                .draw_series(std::iter::once(PathElement::new(
                    points,
                    GRID.stroke_width(1),
                )))
                .map_err(draw_err)?;
        }
        for i in 0..n {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(0.0, 0.0), corner(i, 1.0)],
                    GRID.stroke_width(1),
                )))
                .map_err(draw_err)?;
        }
        for (i, name) in axes.iter().enumerate() {
            let (x, y) = corner(i, 1.14);
            let h = if x > 0.15 {
                HPos::Left
            } else if x < -0.15 {
                HPos::Right
            } else {
                HPos::Center
            };
            let style = (FONT, 16)
                .into_font()
                .color(&INK)
                .pos(Pos::new(h, VPos::Center));
            chart
                .draw_series(std::iter::once(Text::new(name.clone(), (x, y), style)))
                .map_err(draw_err)?;
        }
        for s in series {
            let (colour, width) = style_of(s.style);
            let stroke = colour.stroke_width(width);
            let corners: Vec<Option<(f64, f64)>> = s
                .values
                .iter()
                .enumerate()
                .map(|(i, v)| v.map(|v| corner(i, v.clamp(0.0, 1.0))))
                .collect();
            // Edges between neighbouring corners that both have a value.
            let mut segments = Vec::new();
            for i in 0..corners.len() {
                let j = (i + 1) % corners.len();
                if let (Some(a), Some(b)) = (corners[i], corners[j]) {
                    segments.push((a, b));
                }
            }
            for (a, b) in segments {
                match s.style {
                    SeriesStyle::Latest => chart
                        .draw_series(LineSeries::new(vec![a, b], stroke))
                        .map(|_| ()),
                    SeriesStyle::First => chart
                        .draw_series(DashedLineSeries::new(vec![a, b], 10, 6, stroke))
                        .map(|_| ()),
                    SeriesStyle::Previous => chart
                        .draw_series(DashedLineSeries::new(vec![a, b], 3, 5, stroke))
                        .map(|_| ()),
                }
                .map_err(draw_err)?;
            }
            for c in corners.into_iter().flatten() {
                match s.style {
                    SeriesStyle::First => chart
                        .draw_series(std::iter::once(Circle::new(c, 7, colour.filled())))
                        .map(|_| ()),
                    SeriesStyle::Latest => chart
                        .draw_series(std::iter::once(Rectangle::new(
                            [(c.0 - 0.04, c.1 - 0.04), (c.0 + 0.04, c.1 + 0.04)],
                            colour.filled(),
                        )))
                        .map(|_| ()),
                    SeriesStyle::Previous => chart
                        .draw_series(std::iter::once(TriangleMarker::new(c, 8, colour.filled())))
                        .map(|_| ()),
                }
                .map_err(draw_err)?;
            }
        }
        root.present().map_err(draw_err)?;
    }
    Ok(accessible(&svg, text))
}

/// One row of the start-and-now chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartNow {
    pub name: String,
    /// Level at the first answer (0 = worst), if any.
    pub first: Option<usize>,
    /// Level at the latest answer, if there is a later one.
    pub latest: Option<usize>,
    /// How many levels the item has.
    pub levels: usize,
}

/// The marker of a series as a small inline SVG, the same shape and colour
/// as in the charts, for a visible legend in words and shapes beside a chart.
/// Decorative (`aria-hidden`): the legend's words say the same.
pub fn legend_mark(style: SeriesStyle) -> String {
    let shape = match style {
        SeriesStyle::First => format!(
            r##"<circle cx="10" cy="10" r="8" fill="{}"/>"##,
            hex(ORANGE)
        ),
        SeriesStyle::Previous => format!(
            r##"<polygon points="10,2 18,17 2,17" fill="{}"/>"##,
            hex(GREY)
        ),
        SeriesStyle::Latest => format!(
            r##"<rect x="3" y="3" width="14" height="14" fill="{}"/>"##,
            hex(BLUE)
        ),
    };
    format!(
        r#"<svg class="legend-mark" aria-hidden="true" focusable="false" viewBox="0 0 20 20" width="20" height="20">{shape}</svg>"#
    )
}

/// `#RRGGBB` of a colour, as SVG attributes take it.
fn hex(colour: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", colour.0, colour.1, colour.2)
}

/// The participant's chart ("Min resa"): one row per indicator, its name as
/// HTML text and beside it (or above it, when the screen is narrow) a track
/// from worst to best with the first answer (round orange marker) and the
/// latest (blue square), joined by a line.
///
/// Unlike the other charts this is HTML with one small SVG per row, and the
/// SVGs hold no text: the names are page text, so they follow the text-size
/// setting and zoom and wrap instead of shrinking with the picture, and the
/// rows flow with the page's direction. For a right-to-left language (`rtl`)
/// the tracks are mirrored too: worst at the right, best at the left, the
/// name on the right. Marker positions are percentages of the track and the
/// marker sizes are in `em`, so the tracks stretch to any width and the
/// markers grow with the text.
///
/// The whole is one `role="img"`, named by `text.title` and described by
/// `text.desc` (both in the participant's language).
pub fn start_now_chart(rows: &[StartNow], text: &ChartText, rtl: bool) -> String {
    let id = escape(&text.id);
    let dir = if rtl { "rtl" } else { "ltr" };
    let mut html = format!(
        r#"<div class="start-now" dir="{dir}" role="img" aria-labelledby="{id}-title" aria-describedby="{id}-desc"><span id="{id}-title" hidden>{}</span><span id="{id}-desc" hidden>{}</span>"#,
        escape(&text.title),
        escape(&text.desc),
    );
    for row in rows {
        let top = row.levels.saturating_sub(1).max(1) as f64;
        // Where a level sits on the track, in percent from the left.
        let at = |level: usize| {
            let share = (level as f64 / top).clamp(0.0, 1.0) * 100.0;
            let x = if rtl { 100.0 - share } else { share };
            format!("{x:.1}%")
        };
        html.push_str(&format!(
            r#"<div class="start-now-row"><span class="start-now-label">{}</span>"#,
            escape(&row.name)
        ));
        html.push_str(
            r#"<svg class="start-now-track" aria-hidden="true" focusable="false" width="100%" height="2em" overflow="visible">"#,
        );
        // The scale itself, worst to best, as a light track.
        html.push_str(&format!(
            r##"<line x1="0%" y1="50%" x2="100%" y2="50%" stroke="{}" stroke-width="6" stroke-linecap="round"/>"##,
            hex(GRID)
        ));
        if let (Some(a), Some(b)) = (row.first, row.latest) {
            html.push_str(&format!(
                r##"<line x1="{}" y1="50%" x2="{}" y2="50%" stroke="{}" stroke-width="3"/>"##,
                at(a),
                at(b),
                hex(BLUE)
            ));
        }
        // The start circle is a little larger than the square, so both
        // show when the answer stayed the same.
        if let Some(a) = row.first {
            html.push_str(&format!(
                r##"<circle class="mark-first" cx="{}" cy="50%" r="0.6em" fill="{}"/>"##,
                at(a),
                hex(ORANGE)
            ));
        }
        if let Some(b) = row.latest {
            html.push_str(&format!(
                r##"<svg class="mark-latest" x="{}" y="50%" width="1" height="1" overflow="visible"><rect x="-0.4em" y="-0.4em" width="0.8em" height="0.8em" fill="{}" stroke="#FFFFFF" stroke-width="1.5"/></svg>"##,
                at(b),
                hex(BLUE)
            ));
        }
        html.push_str("</svg></div>");
    }
    html.push_str("</div>");
    html
}

/// One bar of a bar chart with its 95 % interval.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalBar {
    /// The group, e.g. "Kvinna".
    pub label: String,
    /// `None` when the figure is hidden (a small group) or missing.
    pub value: Option<f64>,
    pub interval: Option<(f64, f64)>,
    /// The number of people behind the figure, as shown ("n = 23", "färre än 5").
    pub n: String,
}

/// Bars by group (gender) with their 95 % intervals as error bars and the n
/// under each bar; a hidden figure is an empty slot that says so.
pub fn interval_bar_chart(
    bars: &[IntervalBar],
    y_max: f64,
    text: &ChartText,
) -> Result<String, ChartError> {
    let n = bars.len().max(1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (640, 300)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let x_max = i32::try_from(n).map_err(draw_err)? - 1;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(52)
            .y_label_area_size(48)
            .build_cartesian_2d((0..x_max).into_segmented(), 0.0..y_max)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .max_light_lines(0)
            .bold_line_style(GRID)
            .axis_style(INK)
            .x_labels(n)
            .y_labels(6)
            .label_style((FONT, 15).into_font().color(&INK))
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => usize::try_from(*i)
                    .ok()
                    .and_then(|i| bars.get(i))
                    .map(|b| b.label.clone())
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .y_label_formatter(&|v| format!("{v:.0}"))
            .draw()
            .map_err(draw_err)?;
        for (i, bar) in bars.iter().enumerate() {
            let x = i32::try_from(i).map_err(draw_err)?;
            if let Some(value) = bar.value {
                let mut rect = Rectangle::new(
                    [
                        (SegmentValue::Exact(x), 0.0),
                        (SegmentValue::Exact(x + 1), value),
                    ],
                    BLUE.filled(),
                );
                // Gaps between the bars.
                rect.set_margin(0, 0, 18, 18);
                chart.draw_series(std::iter::once(rect)).map_err(draw_err)?;
            }
            // The n above the bar (or the interval), so every figure says
            // how many people stand behind it.
            let top = bar
                .interval
                .map(|(_, high)| high)
                .or(bar.value)
                .unwrap_or(0.0);
            let style = (FONT, 14)
                .into_font()
                .color(&INK)
                .pos(Pos::new(HPos::Center, VPos::Bottom));
            chart
                .draw_series(std::iter::once(Text::new(
                    bar.n.clone(),
                    (SegmentValue::CenterOf(x), (top + 2.0).min(y_max)),
                    style,
                )))
                .map_err(draw_err)?;
            if let Some((low, high)) = bar.interval {
                let centre = SegmentValue::CenterOf(x);
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(centre.clone(), low), (centre, high)],
                        INK.stroke_width(2),
                    )))
                    .map_err(draw_err)?;
                for end in [low, high] {
                    chart
                        .draw_series(std::iter::once(
                            EmptyElement::at((SegmentValue::CenterOf(x), end))
                                + PathElement::new(vec![(-10, 0), (10, 0)], INK.stroke_width(2)),
                        ))
                        .map_err(draw_err)?;
                }
            }
        }
        root.present().map_err(draw_err)?;
    }
    Ok(accessible(&svg, text))
}

/// The star chart's value for an indicator reading: 0 at the worst level,
/// 1 at the best.
pub fn star_value(indicator: &Indicator, reading: Reading) -> Option<f64> {
    let top = indicator.levels.len().checked_sub(1).filter(|t| *t > 0)?;
    reading.level().map(|l| l as f64 / top as f64)
}

/// Makes plotters' SVG an accessible, scalable inline image: `role="img"`
/// named by its `<title>` and described by its `<desc>`, sized by CSS through
/// its viewBox instead of fixed pixels.
fn accessible(svg: &str, text: &ChartText) -> String {
    let id = escape(&text.id);
    let svg = inline_svg(
        svg,
        &format!("class=\"chart\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\""),
    );
    // The title and description come first inside the root element.
    let Some(head_end) = svg.find('>') else {
        return svg;
    };
    let (head, rest) = svg.split_at(head_end + 1);
    format!(
        "{head}<title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>{rest}",
        escape(&text.title),
        escape(&text.desc),
    )
}

/// Makes a drawn SVG document fit to put inline in a page: no XML
/// declaration, no fixed `width`/`height` (a `viewBox` of that size instead,
/// so CSS decides the size), and `attributes` added to the root element.
pub fn inline_svg(svg: &str, attributes: &str) -> String {
    let start = svg.find("<svg").unwrap_or(0);
    let svg = &svg[start..];
    let Some(head_end) = svg.find('>') else {
        return svg.to_owned();
    };
    let (head, rest) = svg.split_at(head_end);
    let mut width = None;
    let mut height = None;
    let mut kept = Vec::new();
    for part in head.split(' ') {
        if let Some(w) = part.strip_prefix("width=") {
            width = Some(w.trim_matches('"').to_owned());
        } else if let Some(h) = part.strip_prefix("height=") {
            height = Some(h.trim_matches('"').to_owned());
        } else {
            kept.push(part);
        }
    }
    let mut head = kept.join(" ");
    if !head.contains("viewBox") {
        if let (Some(w), Some(h)) = (width, height) {
            head.push_str(&format!(" viewBox=\"0 0 {w} {h}\""));
        }
    }
    if attributes.is_empty() {
        format!("{head}{rest}")
    } else {
        format!("{head} {attributes}{rest}")
    }
}

/// Escapes text for XML content and attributes.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indicator(readings: Vec<Reading>, higher_is_better: bool) -> Indicator {
        Indicator {
            item_id: "halsa".into(),
            question: "Hur mår du nu?".into(),
            name: "Hälsa".into(),
            higher_is_better,
            codes: ["1", "2", "3", "4", "5"].map(String::from).to_vec(),
            levels: [
                "Mycket dåligt",
                "Dåligt",
                "Varken eller",
                "Bra",
                "Mycket bra",
            ]
            .map(String::from)
            .to_vec(),
            readings,
        }
    }

    fn text() -> ChartText {
        ChartText {
            id: "halsa".into(),
            title: "Hälsa".into(),
            desc: "Hälsa: från 2 till 4 av 5".into(),
        }
    }

    fn labels(n: usize) -> Vec<String> {
        ["Start", "Uppföljning 1", "Uppföljning 2", "Avslut"][..n]
            .iter()
            .map(|s| (*s).to_owned())
            .collect()
    }

    #[test]
    fn a_chart_is_an_image_with_a_title_and_a_description() {
        let svg = indicator_chart(
            &indicator(vec![Reading::Level(1), Reading::Level(3)], true),
            &labels(2),
            &text(),
        )
        .unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains(r#"aria-labelledby="halsa-title halsa-desc""#));
        assert!(svg.contains(r#"<title id="halsa-title">Hälsa</title>"#));
        assert!(svg.contains(r#"<desc id="halsa-desc">Hälsa: från 2 till 4 av 5</desc>"#));
        assert!(svg.contains("viewBox=\"0 0 640 320\""));
        let root = &svg[..svg.find('>').unwrap()];
        assert!(!root.contains(" width="), "{root}");
        // The scale is labelled with words, not bare numbers.
        assert!(svg.contains("Mycket bra"));
        assert!(svg.contains("Uppföljning 1"));
    }

    #[test]
    fn gaps_break_the_line() {
        // Two answered occasions around a missed one: two points, no line.
        let gap = indicator_chart(
            &indicator(
                vec![Reading::Level(1), Reading::Missed, Reading::Level(3)],
                true,
            ),
            &labels(3),
            &text(),
        )
        .unwrap();
        let joined = indicator_chart(
            &indicator(
                vec![Reading::Level(1), Reading::Level(2), Reading::Level(3)],
                true,
            ),
            &labels(3),
            &text(),
        )
        .unwrap();
        assert_eq!(gap.matches("<circle").count(), 2);
        assert_eq!(joined.matches("<circle").count(), 3);
        // The data line is the only blue polyline (axes and grid are not blue).
        let line = "<polyline fill=\"none\" opacity=\"1\" stroke=\"#1D4E89\"";
        assert_eq!(gap.matches(line).count(), 0);
        assert_eq!(joined.matches(line).count(), 1);
    }

    #[test]
    fn text_is_escaped() {
        let mut t = text();
        t.title = "A & <B>".into();
        let svg =
            indicator_chart(&indicator(vec![Reading::Level(0)], true), &labels(1), &t).unwrap();
        assert!(svg.contains("<title id=\"halsa-title\">A &amp; &lt;B&gt;</title>"));
    }

    fn start_now_rows() -> [StartNow; 3] {
        [
            StartNow {
                name: "Hälsa".into(),
                first: Some(1),
                latest: Some(3),
                levels: 5,
            },
            StartNow {
                name: "Livet".into(),
                first: Some(2),
                latest: None,
                levels: 5,
            },
            StartNow {
                name: "Kontakt".into(),
                first: None,
                latest: None,
                levels: 5,
            },
        ]
    }

    #[test]
    fn start_and_now_marks_each_row_once_per_answer() {
        let html = start_now_chart(&start_now_rows(), &text(), false);
        assert!(html.starts_with(r#"<div class="start-now" dir="ltr" role="img""#));
        assert!(html.contains(r#"aria-labelledby="halsa-title" aria-describedby="halsa-desc""#));
        assert!(html.contains(r#"<span id="halsa-title" hidden>Hälsa</span>"#));
        // First answers: two round markers; latest: one square.
        assert_eq!(html.matches("<circle").count(), 2);
        assert_eq!(html.matches("<rect").count(), 1);
        // Names are page text beside the tracks, never inside a picture.
        for name in ["Hälsa", "Livet", "Kontakt"] {
            assert!(html.contains(&format!(r#"<span class="start-now-label">{name}</span>"#)));
        }
        assert!(!html.contains("<text"));
        // Health: from level 1 to level 3 of 0..=4, left to right.
        assert!(
            html.contains(r#"<circle class="mark-first" cx="25.0%""#),
            "{html}"
        );
        assert!(
            html.contains(r#"<svg class="mark-latest" x="75.0%""#),
            "{html}"
        );
    }

    #[test]
    fn start_and_now_is_mirrored_right_to_left() {
        let html = start_now_chart(&start_now_rows(), &text(), true);
        assert!(html.starts_with(r#"<div class="start-now" dir="rtl""#));
        // Worst at the right, best at the left.
        assert!(
            html.contains(r#"<circle class="mark-first" cx="75.0%""#),
            "{html}"
        );
        assert!(
            html.contains(r#"<svg class="mark-latest" x="25.0%""#),
            "{html}"
        );
        assert!(
            html.contains(r#"<line x1="75.0%" y1="50%" x2="25.0%""#),
            "{html}"
        );
    }

    #[test]
    fn start_and_now_escapes_names_and_texts() {
        let mut rows = start_now_rows();
        rows[0].name = "A & <B>".into();
        let mut t = text();
        t.desc = "\"x\" < y".into();
        let html = start_now_chart(&rows, &t, false);
        assert!(html.contains("A &amp; &lt;B&gt;"));
        assert!(html.contains("&quot;x&quot; &lt; y"));
    }

    #[test]
    fn legend_marks_have_the_chart_shapes() {
        assert!(legend_mark(SeriesStyle::First).contains("<circle"));
        assert!(legend_mark(SeriesStyle::Latest).contains("<rect"));
        assert!(legend_mark(SeriesStyle::Previous).contains("<polygon"));
        assert!(legend_mark(SeriesStyle::First).contains(r#"aria-hidden="true""#));
        assert!(legend_mark(SeriesStyle::First).contains("#A34A00"));
    }

    #[test]
    fn interval_bars_leave_hidden_groups_empty() {
        let bars = [
            IntervalBar {
                label: "Kvinna".into(),
                value: Some(70.0),
                interval: Some((65.0, 75.0)),
                n: "n = 40".into(),
            },
            IntervalBar {
                label: "Annan".into(),
                value: None,
                interval: None,
                n: "färre än 5".into(),
            },
        ];
        let svg = interval_bar_chart(&bars, 100.0, &text()).unwrap();
        assert!(svg.contains("Kvinna"));
        assert!(svg.contains("n = 40"));
        assert!(svg.contains("färre än 5"));
        // One bar drawn (the hidden group has none).
        assert_eq!(svg.matches("<rect").count() - 1, 1, "{svg}");
    }

    #[test]
    fn star_values_run_from_worst_to_best() {
        let ind = indicator(vec![], true);
        assert_eq!(star_value(&ind, Reading::Level(0)), Some(0.0));
        assert_eq!(star_value(&ind, Reading::Level(4)), Some(1.0));
        assert_eq!(star_value(&ind, Reading::Level(2)), Some(0.5));
        assert_eq!(star_value(&ind, Reading::Declined), None);
        assert_eq!(star_value(&ind, Reading::Missed), None);
    }

    #[test]
    fn star_series_differ_by_shape_and_line_style() {
        let axes: Vec<String> = ["Hälsa", "Livet", "Kontakt", "Påverka"]
            .map(String::from)
            .to_vec();
        let svg = star_chart(
            &axes,
            &[
                StarSeries {
                    name: "Start".into(),
                    style: SeriesStyle::First,
                    values: vec![Some(0.25), Some(0.25), None, Some(0.5)],
                },
                StarSeries {
                    name: "Senast".into(),
                    style: SeriesStyle::Latest,
                    values: vec![Some(0.75), Some(1.0), Some(0.5), Some(0.75)],
                },
            ],
            &text(),
        )
        .unwrap();
        // Intake: three round markers (one gap); latest: four squares.
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.matches("<rect").count() >= 4);
        for name in &axes {
            assert!(svg.contains(name.as_str()));
        }
        assert!(svg.contains(r#"role="img""#));
    }
}
