//! `applies_if` and metric `check` expressions (SPEC §5.6): minijinja expressions compiled
//! once per catalog in one shared, immutable environment with lenient undefined values
//! (as Jinja2's default), evaluated per submission.

use std::fmt;
use std::sync::LazyLock;

use minijinja::{Environment, Expression, UndefinedBehavior, Value};

static ENVIRONMENT: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Lenient);
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
}
