//! `applies_if` and metric `check` expressions (SPEC §5.6): minijinja expressions compiled
//! once per catalog in one shared, immutable environment with lenient undefined values
//! (as Jinja2's default), evaluated per submission.

use std::fmt;
use std::sync::LazyLock;

use minijinja::{Environment, Expression, UndefinedBehavior, Value};

static ENVIRONMENT: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Lenient);
    env.add_filter("round", round);
    env
});

/// The longest expression accepted, in bytes.
pub const MAX_LEN: usize = 500;

/// A compiled expression with its source text.
pub struct Expr {
    source: String,
    compiled: Expression<'static, 'static>,
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

    /// Evaluates to a truth value; a run-time error is returned as text, never a panic.
    pub fn is_true(&self, context: &Value) -> Result<bool, String> {
        self.compiled
            .eval(context)
            .map(|v| v.is_true())
            .map_err(|e| describe(&e))
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
        assert!(nested.is_true(&context! { facts => context! {} }).is_err());
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
}
