//! Bounds on the work minijinja does for catalog expressions (SPEC §5.6) and report templates
//! (SPEC §9). Catalogs and template sets come from outside — certification bodies replace the
//! templates — so a hostile or careless one must end in a clean error (issue #16), never in an
//! aborted allocation or minutes of CPU.
//!
//! - **Fuel** (minijinja's `fuel` feature) is one budget for all the work: every instruction,
//!   every byte of every value made and of the output written, every item a filter or an
//!   operator visits; an allocation of known size is checked against it before it is made.
//!   So a string doubled in a loop or by recursion, nested loops, `join` over a repeated
//!   range or a huge `indent` width stop when the budget does, whatever the construct.
//!   minijinja 3.1 did not price repeating and concatenating lists (lazy, so free, until
//!   something iterates, formats or materializes them without a check: `0 in [1] * 99999999`
//!   took 7 s while compiling, a list doubled 34 times aborted); `vendor/minijinja` prices
//!   them (`PATCHED.md`). Expressions get [`EXPRESSION_FUEL`] per evaluation, templates
//!   [`template_fuel`] per render: proportional to the data rendered, so that a template
//!   doing work linear in its input never runs out, whatever the input's size.
//! - **The output cap** (`Capped`): a render stops after [`output_cap`] bytes — a plainer
//!   bound on what fuel already prices, with a message a reader understands.
//!
//! minijinja's own caps stay: `range` refuses more than 100 000 items, a repeated string more
//! than 100 MB, a repeated list more than 10⁸ items, macro and include nesting 500 levels.
//! [`Limit::of`] recognises all of them.

use std::fmt;
use std::io;

use minijinja::{Error, ErrorKind};

use crate::text::Lang;

/// Fuel for one evaluation of an `applies_if` or metric `check` expression. An expression has
/// no loops: the bundled catalogs use under 20; `"x" in facts.list` pays about one per two
/// items of the list. 100 000 is what 6 MB of strings or 200 000 items cost — a few
/// milliseconds in a release build, well under a second in a debug one.
pub const EXPRESSION_FUEL: u64 = 100_000;

/// Fuel every render has, whatever the data (a report of a small result or a summary of an
/// empty batch). The bundled reports of the 188-criterion example (260 KB of result) use
/// about 40 000 of the 5.1 million they get with [`TEMPLATE_FUEL_PER_BYTE`].
pub const TEMPLATE_FUEL_BASE: u64 = 1_000_000;

/// Further fuel per byte of the data rendered (the result or context as JSON). The bundled
/// templates use under 1 per byte; 16 leaves room for a template set doing much more, still
/// linear in its input.
pub const TEMPLATE_FUEL_PER_BYTE: u64 = 16;

/// Output every render may write, whatever the data: 16 MiB, forty times a full 188-criterion
/// HTML report with every finding (about 400 KB).
pub const OUTPUT_BASE: usize = 16 << 20;

/// Further output per byte of the data rendered: HTML escaping makes at most 6 bytes of one
/// (`"` → `&quot;`) and a report quotes enterprise text at most a few times.
pub const OUTPUT_PER_BYTE: usize = 32;

/// The fuel of one render of `input` bytes of data.
pub fn template_fuel(input: usize) -> u64 {
    let input = u64::try_from(input).unwrap_or(u64::MAX);
    TEMPLATE_FUEL_BASE.saturating_add(TEMPLATE_FUEL_PER_BYTE.saturating_mul(input))
}

/// The output cap of one render of `input` bytes of data.
pub fn output_cap(input: usize) -> usize {
    OUTPUT_BASE.saturating_add(OUTPUT_PER_BYTE.saturating_mul(input))
}

/// Which bound an evaluation or a render exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limit {
    /// The fuel budget: instructions, bytes made and written, items visited.
    Work,
    /// A size cap: a range, repeated string or repeated list larger than minijinja makes.
    Size,
    /// Nesting of macro calls, includes and loops (500 levels).
    Recursion,
    /// The output cap of a render.
    Output,
}

impl Limit {
    /// The stable name (`work`, `size`, `recursion`, `output`), as finding params carry it.
    pub fn as_str(self) -> &'static str {
        match self {
            Limit::Work => "work",
            Limit::Size => "size",
            Limit::Recursion => "recursion",
            Limit::Output => "output",
        }
    }

    /// The limit by its stable name.
    pub fn from_name(name: &str) -> Option<Limit> {
        [Limit::Work, Limit::Size, Limit::Recursion, Limit::Output]
            .into_iter()
            .find(|l| l.as_str() == name)
    }

    /// What the limit is, for people: `work limit`, `计算量上限`, …
    pub fn describe(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Limit::Work, Lang::En) => "work limit",
            (Limit::Work, Lang::Zh) => "计算量上限",
            (Limit::Size, Lang::En) => "size limit",
            (Limit::Size, Lang::Zh) => "数据大小上限",
            (Limit::Recursion, Lang::En) => "recursion limit",
            (Limit::Recursion, Lang::Zh) => "递归深度上限",
            (Limit::Output, Lang::En) => "output size limit",
            (Limit::Output, Lang::Zh) => "输出大小上限",
        }
    }

    /// The limit a minijinja error reports, if it reports one: running out of fuel, or one of
    /// minijinja's own caps (recognised by their text, which a test pins).
    pub fn of(e: &Error) -> Option<Limit> {
        match e.kind() {
            ErrorKind::OutOfFuel => Some(Limit::Work),
            ErrorKind::InvalidOperation => match e.detail() {
                Some(
                    "range has too many elements"
                    | "repeated string is too large"
                    | "repeated sequence is too large",
                ) => Some(Limit::Size),
                Some("recursion limit exceeded") => Some(Limit::Recursion),
                _ => None,
            },
            _ => None,
        }
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe(Lang::En))
    }
}

/// A writer that refuses to take more than a number of bytes: the output cap of a render.
pub(crate) struct Capped<W> {
    inner: W,
    left: usize,
}

impl<W> Capped<W> {
    pub(crate) fn new(inner: W, cap: usize) -> Capped<W> {
        Capped { inner, left: cap }
    }
}

impl<W: io::Write> io::Write for Capped<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.len() > self.left {
            self.left = 0;
            return Err(io::Error::other(OutputCapped));
        }
        self.left -= buf.len();
        self.inner.write_all(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The error [`Capped`] stops a render with; found again in the render error's sources.
#[derive(Debug)]
pub(crate) struct OutputCapped;

impl fmt::Display for OutputCapped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("output size limit reached")
    }
}

impl std::error::Error for OutputCapped {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minijinja_caps_are_recognised() {
        // The texts `Limit::of` matches: a minijinja upgrade that rewords them fails here.
        let env = minijinja::Environment::new();
        let limit = |source: &str| {
            let e = env
                .render_str(source, ())
                .expect_err("the template exceeds a cap");
            Limit::of(&e)
        };
        assert_eq!(limit("{{ range(1000000) }}"), Some(Limit::Size));
        assert_eq!(
            limit("{{ 'x' * n }}".replace('n', "1000000000").as_str()),
            Some(Limit::Size)
        );
        assert_eq!(limit("{{ [1, 2] * 100000000 }}"), Some(Limit::Size));
        assert_eq!(
            limit("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}"),
            Some(Limit::Recursion)
        );
        let mut fueled = minijinja::Environment::new();
        fueled.set_fuel(Some(100));
        let e = fueled
            .render_str("{% for i in range(1000) %}{{ i }}{% endfor %}", ())
            .expect_err("out of fuel");
        assert_eq!(Limit::of(&e), Some(Limit::Work));
        let e = env
            .render_str("{{ 1 / 0 }}", ())
            .expect_err("division by zero");
        assert_eq!(Limit::of(&e), None);
    }

    #[test]
    fn the_output_cap_stops_writing() {
        use std::io::Write as _;
        let mut out = Vec::new();
        let mut capped = Capped::new(&mut out, 5);
        assert!(capped.write_all(b"abc").is_ok());
        let err = capped.write_all(b"def").unwrap_err();
        assert!(err.get_ref().is_some_and(|e| e.is::<OutputCapped>()));
        assert_eq!(out, b"abc");
    }

    #[test]
    fn budgets_grow_with_the_data() {
        assert_eq!(template_fuel(0), TEMPLATE_FUEL_BASE);
        assert_eq!(template_fuel(1000), TEMPLATE_FUEL_BASE + 16_000);
        assert_eq!(output_cap(usize::MAX), usize::MAX);
        assert_eq!(Limit::from_name("work"), Some(Limit::Work));
        assert_eq!(Limit::from_name("nope"), None);
    }
}
