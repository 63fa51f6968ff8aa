//! Time, behind a trait, so that code lifetimes, locks and sessions are tested without sleeping.

use std::sync::atomic::{AtomicI64, Ordering};

use crate::Lang;

/// A source of the current time.
pub trait Clock: Send + Sync {
    /// Now, in Unix seconds.
    fn now(&self) -> i64;
}

/// The system's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    }
}

/// A clock that moves only when told (for tests).
#[derive(Debug, Default)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    /// A clock showing `now`.
    pub fn new(now: i64) -> Self {
        Self(AtomicI64::new(now))
    }

    /// Moves the clock forward by `seconds`.
    pub fn advance(&self, seconds: i64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Moscow's offset from UTC in seconds (UTC+3 all year since 2014): the portal tells people
/// times by Moscow's clock, as the centres and the guides do.
pub const MOSCOW_OFFSET: i64 = 3 * 3600;

/// Unix time `t` as Moscow's wall clock reads it.
pub(crate) fn moscow_clock(t: i64) -> Option<der::DateTime> {
    der::DateTime::from_unix_duration(core::time::Duration::from_secs(
        (t + MOSCOW_OFFSET).max(0) as u64
    ))
    .ok()
}

/// `t` by Moscow's clock, `02.12.2026 10:00 МСК` (`MSK` in English), with the seconds when
/// `seconds`.
fn moscow_text(t: i64, lang: Lang, seconds: bool) -> String {
    let Some(d) = moscow_clock(t) else {
        return t.to_string();
    };
    let zone = match lang {
        Lang::Ru => "МСК",
        Lang::En => "MSK",
    };
    let date = format!("{:02}.{:02}.{}", d.day(), d.month(), d.year());
    if seconds {
        let s = d.seconds();
        format!("{date} {:02}:{:02}:{s:02} {zone}", d.hour(), d.minutes())
    } else {
        format!("{date} {:02}:{:02} {zone}", d.hour(), d.minutes())
    }
}

/// A Unix time as Moscow time reads it, to the minute (`02.12.2026 10:00 МСК`, or `… MSK` in
/// English): every time a page, a message or a printed report tells a person.
pub fn moscow_time(t: i64, lang: Lang) -> String {
    moscow_text(t, lang, false)
}

/// [`moscow_time`] to the second (`02.12.2026 10:00:42 МСК`), as the journal's page shows its
/// entries.
pub fn moscow_time_to_second(t: i64, lang: Lang) -> String {
    moscow_text(t, lang, true)
}

/// A time as people and programs write it — a date `YYYY-MM-DD` (UTC midnight) or
/// `YYYY-MM-DDTHH:MM:SSZ` — in Unix seconds; `None` when it is neither or no such time.
pub fn parse_time(text: &str) -> Option<i64> {
    let text = text.trim();
    let (date, time) = match text.split_once('T') {
        Some((date, time)) => (date, time.strip_suffix('Z')?),
        None => (text, "00:00:00"),
    };
    let numbers = |s: &str, n: usize| -> Option<Vec<u16>> {
        let v: Vec<u16> = s
            .split(sep(s))
            .map(|p| p.parse().ok())
            .collect::<Option<_>>()?;
        (v.len() == n).then_some(v)
    };
    fn sep(s: &str) -> char {
        if s.contains(':') { ':' } else { '-' }
    }
    let (d, t) = (numbers(date, 3)?, numbers(time, 3)?);
    let dt = der::DateTime::new(
        d[0],
        u8::try_from(d[1]).ok()?,
        u8::try_from(d[2]).ok()?,
        u8::try_from(t[0]).ok()?,
        u8::try_from(t[1]).ok()?,
        u8::try_from(t[2]).ok()?,
    )
    .ok()?;
    i64::try_from(dt.unix_duration().as_secs()).ok()
}

#[cfg(test)]
mod tests {
    use super::{moscow_time, moscow_time_to_second, parse_time};
    use crate::Lang::{En, Ru};

    #[test]
    fn moscow_time_is_utc_plus_three() {
        assert_eq!(moscow_time(1_800_000_000, Ru), "15.01.2027 11:00 МСК");
        assert_eq!(
            moscow_time_to_second(1_796_142_986, Ru),
            "01.12.2026 19:36:26 МСК"
        );
        // Past midnight in Moscow while still the day before in UTC.
        assert_eq!(moscow_time(1_796_158_800, Ru), "02.12.2026 00:00 МСК");
        assert_eq!(moscow_time(0, Ru), "01.01.1970 03:00 МСК");
    }

    #[test]
    fn english_names_moscow_time_in_latin_letters() {
        assert_eq!(moscow_time(1_800_000_000, En), "15.01.2027 11:00 MSK");
        assert_eq!(
            moscow_time_to_second(1_796_142_986, En),
            "01.12.2026 19:36:26 MSK"
        );
    }

    #[test]
    fn times_read_as_utc() {
        assert_eq!(parse_time("1970-01-02"), Some(86_400));
        assert_eq!(parse_time("2027-01-15T08:00:00Z"), Some(1_800_000_000));
        assert_eq!(parse_time(" 2027-01-15 "), Some(1_799_971_200));
        for bad in [
            "2027-13-01",
            "2027-02-30",
            "tomorrow",
            "2027-01-15T08:00:00",
            "2027-01",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }
}
