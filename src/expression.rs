//! `applies_if` and metric `check` expressions (SPEC §5.6): minijinja expressions compiled
//! once per catalog in one shared, immutable environment with lenient undefined values
//! (as Jinja2's default), evaluated per submission.
//!
//! Every evaluation has a work budget ([`crate::limits::EXPRESSION_FUEL`]). A catalog is
//! checked by evaluating each expression in a neutral context ([`neutral_context`]): one that
//! exceeds a limit there would exceed it for every submission without facts, so it is a
//! catalog error rather than a finding on each of them.

use std::fmt;
use std::sync::LazyLock;

use minijinja::value::Serde;
use minijinja::{Environment, Expression, UndefinedBehavior, Value};

use crate::limits::{self, Limit};
use crate::text::Lang;

static ENVIRONMENT: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Lenient);
    env.add_filter("round", round);
    env.set_fuel(Some(limits::EXPRESSION_FUEL));
    env
});

/// The longest expression accepted, in bytes.
pub const MAX_LEN: usize = 500;

/// A compiled expression with its source text.
pub struct Expr {
    source: String,
    compiled: Expression<'static, 'static>,
}

/// Why an expression could not be evaluated.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprError {
    /// It exceeds a limit on the work or the size of an expression.
    Limit {
        /// Which limit.
        limit: Limit,
        /// minijinja's error.
        detail: String,
    },
    /// It failed for this context (undefined attribute, bad operand, …; SPEC §5.6).
    Failed(String),
}

impl ExprError {
    /// The limit exceeded, when that is what went wrong.
    pub fn limit(&self) -> Option<Limit> {
        match self {
            ExprError::Limit { limit, .. } => Some(*limit),
            _ => None,
        }
    }

    /// What is wrong, for people: for a limit, a clause to follow the expression's name
    /// (`exceeds the work limit of an expression (100000 fuel): …`).
    pub fn message(&self, lang: Lang) -> String {
        match self {
            ExprError::Failed(m) => m.clone(),
            ExprError::Limit { limit, detail } => {
                let fuel = match limit {
                    Limit::Work => match lang {
                        Lang::En => format!(" ({} fuel)", limits::EXPRESSION_FUEL),
                        Lang::Zh => format!("（{} 个计算步）", limits::EXPRESSION_FUEL),
                    },
                    _ => String::new(),
                };
                match lang {
                    Lang::En => format!(
                        "exceeds the {} of an expression{fuel}: {detail}",
                        limit.describe(lang)
                    ),
                    // minijinja's own words are English: the English message carries them.
                    Lang::Zh => format!("超出表达式的{}{fuel}", limit.describe(lang)),
                }
            }
        }
    }
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl Expr {
    /// Compiles `source`; the error text says what is wrong. Expressions longer than
    /// [`MAX_LEN`] are refused before compiling (the compiler recurses per operator).
    pub fn compile(source: &str) -> Result<Expr, String> {
        if source.len() > MAX_LEN {
            return Err(format!(
                "the expression is {} characters long; at most {MAX_LEN} are allowed",
                source.len()
            ));
        }
        ENVIRONMENT
            .compile_expression_owned(source.to_owned())
            .map(|compiled| Expr {
                source: source.to_owned(),
                compiled,
            })
            .map_err(|e| describe(&e))
    }

    /// The source text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Evaluates to a truth value within the expression limits; a run-time error or an
    /// exceeded limit is returned, never a panic.
    pub fn is_true(&self, context: &Value) -> Result<bool, ExprError> {
        self.compiled
            .eval(context)
            .map(|v| v.is_true())
            .map_err(|e| match Limit::of(&e) {
                Some(limit) => ExprError::Limit {
                    limit,
                    detail: describe(&e),
                },
                None => ExprError::Failed(describe(&e)),
            })
    }
}

/// The `round` filter as minijinja 2 had it: scale, round half away from zero, scale back.
/// minijinja 3 rounds like Python (half to even on the binary value: `18.25|round(1)` is
/// 18.2, not 18.3); expressions and report templates keep the old filter so that results
/// and reports stay what they were.
pub(crate) fn round(value: Value, precision: Option<i32>) -> Result<Value, minijinja::Error> {
    if value.is_integer() {
        return Ok(value);
    }
    if value.is_number() {
        let scale = 10f64.powi(precision.unwrap_or(0));
        let value = f64::try_from(value)?;
        return Ok(Value::from((scale * value).round() / scale));
    }
    Err(minijinja::Error::new(
        minijinja::ErrorKind::InvalidOperation,
        format!("cannot round value ({})", value.kind()),
    ))
}

/// The context a catalog's expressions are checked in (`catalog check`, every catalog load):
/// a submission whose organization has a name and nothing else, no facts, assessed on
/// 2000-01-01; for a metric check, `metric` gives `value` and the one entry of `metrics`. A
/// real submission can look like this, so an expression that exceeds a limit here is a
/// catalog error.
pub fn neutral_context(metric: Option<(&str, f64)>) -> Value {
    let mut fields = serde_json::Map::new();
    fields.insert("facts".to_owned(), serde_json::json!({}));
    fields.insert(
        "organization".to_owned(),
        serde_json::json!({"name": "-", "facts": {}}),
    );
    fields.insert("as_of".to_owned(), serde_json::json!("2000-01-01"));
    if let Some((id, value)) = metric {
        fields.insert("value".to_owned(), serde_json::json!(value));
        fields.insert("metrics".to_owned(), serde_json::json!({ id: value }));
    }
    Value::from(Serde(fields))
}

fn describe(e: &minijinja::Error) -> String {
    match e.detail() {
        Some(detail) => format!("{}: {detail}", e.kind()),
        None => e.kind().to_string(),
    }
}

impl fmt::Debug for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Expr").field(&self.source).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::context;

    #[test]
    fn lenient_undefined_and_errors() {
        let missing = Expr::compile("facts.sla_requires_spares").unwrap();
        assert_eq!(
            missing.is_true(&context! { facts => context! {} }),
            Ok(false)
        );
        let nested = Expr::compile("facts.contract.monitoring").unwrap();
        assert!(matches!(
            nested.is_true(&context! { facts => context! {} }),
            Err(ExprError::Failed(_))
        ));
        let check = Expr::compile("value >= 0.9").unwrap();
        assert_eq!(check.is_true(&context! { value => 0.93 }), Ok(true));
        assert_eq!(check.is_true(&context! { value => 0.9 }), Ok(true));
        assert!(Expr::compile("value >=").is_err());
    }

    #[test]
    fn round_is_minijinja_2s() {
        let env = &*ENVIRONMENT;
        let round = |source: &str| env.compile_expression(source).unwrap().eval(()).unwrap();
        assert_eq!(round("18.25|round(1)"), Value::from(18.3));
        assert_eq!(round("2.5|round"), Value::from(3.0));
        assert_eq!(round("-2.5|round"), Value::from(-3.0));
        assert_eq!(round("7|round(2)"), Value::from(7));
        assert_eq!(round("1234.5678|round(-2)"), Value::from(1200.0));
        assert!(
            env.compile_expression("'x'|round")
                .unwrap()
                .eval(())
                .is_err()
        );
    }

    #[test]
    fn work_and_size_are_bounded() {
        let neutral = neutral_context(Some(("m", 0.5)));
        for (source, limit) in [
            (r#"(("x" * 100000000) ~ "x")|length > 0"#, Limit::Work),
            ("(range(100000) * 1000)|join|length > 0", Limit::Work),
            ("0 in facts.none|default([1]) * 99999999", Limit::Work),
            // Constants: the compiler no longer folds a repeated list (vendor/minijinja).
            ("0 in [1] * 99999999", Limit::Work),
            ("(([0] * 99999999) ~ '')|length > 0", Limit::Work),
            (
                "(([a] * 99999999 + [a] * 99999999) * 2)|length > 0",
                Limit::Work,
            ),
            (r#""x"|indent(1000000000, true)|length > 0"#, Limit::Work),
            ("range(10**9)|length > 0", Limit::Size),
        ] {
            let expr = Expr::compile(source).unwrap();
            let err = expr.is_true(&neutral).unwrap_err();
            assert_eq!(err.limit(), Some(limit), "{source}: {err}");
        }
        // The bundled catalogs' kind of expression is far within the budget.
        let expr = Expr::compile("value >= metrics.m and not facts.x").unwrap();
        assert_eq!(expr.is_true(&neutral), Ok(true));
    }
}
