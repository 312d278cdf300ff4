//! Geometry of the element-score bar chart: grouped bars (one group per level, one bar per
//! element) on a 0–100 % axis. The template draws the SVG from these numbers; computing
//! them here keeps the template simple and the coordinates exactly reproducible.

use std::sync::Arc;

use minijinja::value::{Enumerator, Object, Value};

use crate::result::AssessmentResult;

use super::view::{ElementRef, LevelRef, List, ToValue, view_object};

/// SVG width (user units; the SVG scales to its container).
const WIDTH: f64 = 760.0;
/// Space left of the plot for the axis labels.
const LEFT: f64 = 48.0;
/// Space right of the plot.
const RIGHT: f64 = 12.0;
/// Space right of the plot when the threshold line's label sits there.
const RIGHT_LABELLED: f64 = 84.0;
/// Space above the plot for value labels.
const TOP: f64 = 22.0;
/// Plot height.
const PLOT: f64 = 200.0;
/// Space below the plot for the level labels.
const BOTTOM: f64 = 44.0;
/// Widest bar.
const MAX_BAR: f64 = 34.0;

/// The chart.
#[derive(Debug)]
pub struct Chart {
    /// SVG width.
    pub width: String,
    /// SVG height.
    pub height: String,
    /// Plot area: left edge.
    pub left: String,
    /// Plot area: right edge.
    pub right: String,
    /// Plot area: top edge (100 %).
    pub top: String,
    /// Plot area: bottom edge (0 %).
    pub bottom: String,
    /// Horizontal grid lines with their labels (0, 25, 50, 75, 100 %).
    pub ticks: Arc<List<Arc<Tick>>>,
    /// One group per level, entry level first.
    pub groups: Arc<List<Arc<Group>>>,
    /// Every bar, group by group.
    pub bars: Arc<List<Arc<Bar>>>,
    /// Whether bars are wide enough to carry a value label.
    pub show_values: bool,
    /// Under `threshold`: the element threshold line.
    pub threshold: Option<Arc<Threshold>>,
    /// Series (elements) in legend order.
    pub series: Arc<List<Arc<ElementRef>>>,
    /// The same data as a table: one row per element, one cell per level.
    pub rows: Arc<List<Arc<Row>>>,
}

view_object!(Chart {
    width,
    height,
    left,
    right,
    top,
    bottom,
    ticks,
    groups,
    bars,
    show_values,
    threshold,
    series,
    rows
});

/// A grid line.
#[derive(Debug)]
pub struct Tick {
    /// x of the label (right-aligned).
    pub x: String,
    /// y coordinate.
    pub y: String,
    /// Label (`50%`).
    pub label: String,
}

view_object!(Tick { x, y, label });

/// A group of bars (a level).
#[derive(Debug)]
pub struct Group {
    /// The level.
    pub level: Arc<LevelRef>,
    /// x of the group's centre (label position).
    pub x: String,
    /// x of the group's left edge (separator).
    pub x0: String,
    /// y of the label.
    pub label_y: String,
}

view_object!(Group {
    level,
    x,
    x0,
    label_y
});

/// One bar (an element at a level).
#[derive(Debug)]
pub struct Bar {
    /// Series index (colour), 0-based in element order.
    pub series: usize,
    /// The element.
    pub element: Arc<ElementRef>,
    /// The level.
    pub level: Arc<LevelRef>,
    /// Score (null when nothing of the element applies at this level).
    pub score: Option<f64>,
    /// Left edge.
    pub x: String,
    /// Top edge.
    pub y: String,
    /// Width.
    pub w: String,
    /// Height.
    pub h: String,
    /// Centre x (labels).
    pub cx: String,
    /// y of the value label above the bar.
    pub label_y: String,
    /// Whole-percent label (`88%`), or empty when the score is null.
    pub label: String,
    /// Tall enough to draw (at least half a unit): a score of zero, or next to it, draws
    /// no bar, only the baseline (the table below the chart gives the value).
    pub drawn: bool,
}

view_object!(Bar {
    drawn,
    series,
    element,
    level,
    score,
    x,
    y,
    w,
    h,
    cx,
    label_y,
    label
});

/// The threshold line.
#[derive(Debug)]
pub struct Threshold {
    /// y coordinate.
    pub y: String,
    /// The threshold (0..1).
    pub value: f64,
}

view_object!(Threshold { y, value });

/// A row of the data table.
#[derive(Debug)]
pub struct Row {
    /// The element.
    pub element: Arc<ElementRef>,
    /// One cell per level.
    pub cells: Arc<List<Arc<Cell>>>,
}

view_object!(Row { element, cells });

/// A cell of the data table.
#[derive(Debug)]
pub struct Cell {
    /// Score.
    pub score: Option<f64>,
    /// A ten-character text bar (`███████░░░`) for plain-text readers; empty when null.
    pub bar: String,
}

view_object!(Cell { score, bar });

/// A coordinate with one decimal, as `format!("{v:.1}")` writes it. That rounds the exact
/// binary value half to even; away from ties, rounding `v * 10` is the same and much cheaper.
fn coord(v: f64) -> String {
    let tens = v * 10.0;
    let fraction = tens - tens.floor();
    if !(v.is_sign_positive() && tens < 1e15 && (fraction - 0.5).abs() > 1e-6) {
        return format!("{v:.1}");
    }
    let tenths = tens.round() as u64;
    let mut out = itoa(tenths / 10);
    out.push('.');
    out.push(char::from(b'0' + (tenths % 10) as u8));
    out
}

/// The decimal digits of `n`.
fn itoa(n: u64) -> String {
    let mut out = String::new();
    super::numbers::push_digits(&mut out, n);
    out
}

/// Percent in whole numbers, rounded half away from zero.
fn whole_percent(score: f64) -> String {
    let percent = (score * 100.0).round();
    if percent.is_sign_positive() && percent < 1e15 {
        let mut out = itoa(percent as u64);
        out.push('%');
        out
    } else {
        format!("{percent}%")
    }
}

fn text_bar(score: f64) -> String {
    let filled = (score.clamp(0.0, 1.0) * 10.0).round() as usize;
    let mut s = "█".repeat(filled);
    s.push_str(&"░".repeat(10 - filled));
    s
}

/// Lays the chart out.
pub fn layout(
    result: &AssessmentResult,
    levels: &[Arc<LevelRef>],
    series: &[Arc<ElementRef>],
) -> Chart {
    let bottom = TOP + PLOT;
    let right = WIDTH
        - if result.catalog.element_threshold.is_some() {
            RIGHT_LABELLED
        } else {
            RIGHT
        };
    let y_of = |score: f64| bottom - score.clamp(0.0, 1.0) * PLOT;
    let ticks: Vec<_> = (0..=4)
        .map(|i| {
            let v = f64::from(i) * 0.25;
            Arc::new(Tick {
                x: coord(LEFT - 6.0),
                y: coord(y_of(v)),
                label: format!("{}%", i * 25),
            })
        })
        .collect();
    let n_groups = result.levels.len().max(1) as f64;
    let group_w = (right - LEFT) / n_groups;
    let n_bars = series.len().max(1) as f64;
    let bar_w = (group_w * 0.8 / n_bars).min(MAX_BAR);
    let mut groups = Vec::new();
    let mut bars = Vec::new();
    for (gi, (level, lref)) in result.levels.iter().zip(levels).enumerate() {
        let x0 = LEFT + group_w * gi as f64;
        let cx = x0 + group_w / 2.0;
        groups.push(Arc::new(Group {
            level: Arc::clone(lref),
            x: coord(cx),
            x0: coord(x0),
            label_y: coord(bottom + 18.0),
        }));
        let start = cx - bar_w * n_bars / 2.0;
        for (si, element) in series.iter().enumerate() {
            let score = level
                .elements
                .iter()
                .find(|e| *e.id == *element.id)
                .and_then(|e| e.score);
            let x = start + bar_w * si as f64;
            let top = score.map_or(bottom, y_of);
            bars.push(Arc::new(Bar {
                series: si,
                element: Arc::clone(element),
                level: Arc::clone(lref),
                score,
                x: coord(x + 1.0),
                y: coord(top),
                w: coord((bar_w - 2.0).max(1.0)),
                h: coord(bottom - top),
                drawn: bottom - top >= 0.5,
                cx: coord(x + bar_w / 2.0),
                label_y: coord(top - 4.0),
                label: score.map(whole_percent).unwrap_or_default(),
            }));
        }
    }
    let threshold = result.catalog.element_threshold.map(|t| {
        Arc::new(Threshold {
            y: coord(y_of(t)),
            value: t,
        })
    });
    let rows: Vec<_> = series
        .iter()
        .map(|element| {
            Arc::new(Row {
                element: Arc::clone(element),
                cells: List::new(
                    result
                        .levels
                        .iter()
                        .map(|level| {
                            let score = level
                                .elements
                                .iter()
                                .find(|e| *e.id == *element.id)
                                .and_then(|e| e.score);
                            Arc::new(Cell {
                                score,
                                bar: score.map(text_bar).unwrap_or_default(),
                            })
                        })
                        .collect(),
                ),
            })
        })
        .collect();
    Chart {
        width: coord(WIDTH),
        height: coord(TOP + PLOT + BOTTOM),
        left: coord(LEFT),
        right: coord(right),
        top: coord(TOP),
        bottom: coord(bottom),
        ticks: List::new(ticks),
        groups: List::new(groups),
        bars: List::new(bars),
        show_values: bar_w >= 22.0,
        threshold,
        series: List::new(series.to_vec()),
        rows: List::new(rows),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_bars_and_labels() {
        assert_eq!(text_bar(0.7), "███████░░░");
        assert_eq!(text_bar(1.0), "██████████");
        assert_eq!(whole_percent(0.875), "88%");
        assert_eq!(whole_percent(0.0), "0%");
        assert_eq!(whole_percent(-0.0), "-0%");
        assert_eq!(whole_percent(0.005), "1%");
    }

    #[test]
    fn coordinates_are_formatted_like_std() {
        let mut values: Vec<f64> = (0..20_000).map(|i| f64::from(i) * 0.05).collect();
        values.extend((0..20_000).map(|i| f64::from(i) / 7.0 + 0.25));
        values.extend([0.0, -0.0, 0.25, 0.35, 0.45, 2.25, 1e16, -3.75, f64::NAN]);
        let n_groups = [1.0, 3.0, 4.0, 5.0, 6.0];
        for n in n_groups {
            let group = (WIDTH - RIGHT - LEFT) / n;
            for i in 0..12 {
                values.push(LEFT + group * f64::from(i) + group / 2.0);
                values.push(LEFT + group * f64::from(i) + group / 2.0 - 13.3 * f64::from(i));
            }
        }
        for v in values {
            assert_eq!(coord(v), format!("{v:.1}"), "{v}");
        }
    }
}
