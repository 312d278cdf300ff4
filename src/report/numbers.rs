//! Numbers as reports print them: percentages and plain decimals, without float noise.

/// A score (0..1) as a percentage with one decimal, rounded half away from zero: `87.5%`.
pub fn percent(score: f64) -> String {
    let tenths = (score * 1000.0).round() as i64;
    let mut out = String::with_capacity(8);
    if tenths < 0 {
        out.push('-');
    }
    let tenths = tenths.unsigned_abs();
    push_digits(&mut out, tenths / 10);
    out.push('.');
    push_digits(&mut out, tenths % 10);
    out.push('%');
    out
}

/// Appends the decimal digits of `n`.
pub(crate) fn push_digits(out: &mut String, n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[at..].iter().map(|&d| char::from(d)));
}

/// A credit, weight or threshold with at most three decimals and no trailing zeros: `1`,
/// `0.5`, `0.125`.
pub fn number(v: f64) -> String {
    let thousandths = (v * 1000.0).round() as i64;
    let sign = if thousandths < 0 { "-" } else { "" };
    let t = thousandths.unsigned_abs();
    let (int, frac) = (t / 1000, t % 1000);
    let mut out = String::with_capacity(12);
    out.push_str(sign);
    push_digits(&mut out, int);
    if frac != 0 {
        out.push('.');
        let mut frac = frac;
        let mut scale = 100;
        while frac != 0 {
            push_digits(&mut out, frac / scale);
            frac %= scale;
            scale /= 10;
        }
    }
    out
}
