//! Numbers for people, without float formatting: the browser bundle then
//! carries no float-to-decimal code (about 20 KB of wasm).

/// `value` rounded to `decimals` places, e.g. `fixed(4.25, 1) == "4.3"`.
pub fn fixed(value: f64, decimals: u32) -> String {
    let scale = 10u64.pow(decimals);
    let scaled = (value * scale as f64).round();
    let sign = if scaled < 0.0 { "-" } else { "" };
    // `as` saturates: a value beyond u64 is not a price or a rating.
    let abs = scaled.abs() as u64;
    if decimals == 0 {
        return format!("{sign}{abs}");
    }
    format!(
        "{sign}{}.{:0width$}",
        abs / scale,
        abs % scale,
        width = decimals as usize
    )
}

/// `n` and the noun in its number: `counted(1, "install") == "1 install"`,
/// `counted(3, "install") == "3 installs"`.
pub fn counted(n: impl Into<i64>, noun: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::{counted, fixed};

    #[test]
    fn counts_take_the_noun_in_their_number() {
        assert_eq!(counted(1, "install"), "1 install");
        assert_eq!(counted(0, "install"), "0 installs");
        assert_eq!(counted(12i32, "rating"), "12 ratings");
    }

    #[test]
    fn rounds_to_the_given_places() {
        assert_eq!(fixed(4.25, 1), "4.3");
        assert_eq!(fixed(4.0, 1), "4.0");
        assert_eq!(fixed(0.0, 1), "0.0");
        assert_eq!(fixed(9.99, 2), "9.99");
        assert_eq!(fixed(1234.5, 2), "1234.50");
        assert_eq!(fixed(0.05, 2), "0.05");
        assert_eq!(fixed(-1.5, 1), "-1.5");
        assert_eq!(fixed(83.333, 0), "83");
    }
}
