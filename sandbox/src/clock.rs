//! The sandbox clock: wall-clock time plus an offset that tests advance to expire tokens and
//! sessions without waiting.
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How far the sandbox clock may run ahead of the wall clock: 100 years. Keeping the clock far
/// from `u64::MAX` milliseconds keeps every deadline computed from it (`now + lifetime`) in range.
pub const MAX_CLOCK_OFFSET: Duration = Duration::from_secs(100 * 365 * 86_400);

/// Wall-clock time shifted by a monotonically growing offset, at most [`MAX_CLOCK_OFFSET`].
/// Lock-free.
#[derive(Debug, Default)]
pub(crate) struct Clock {
    offset_ms: AtomicU64,
}

fn max_offset_ms() -> u64 {
    u64::try_from(MAX_CLOCK_OFFSET.as_millis()).unwrap_or(u64::MAX)
}

impl Clock {
    /// Now on the sandbox clock, in Unix milliseconds.
    pub fn now_ms(&self) -> u64 {
        let wall = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        let wall_ms = u64::try_from(wall.as_millis()).unwrap_or(u64::MAX);
        wall_ms.saturating_add(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Move the sandbox clock forward by `d`, stopping at [`MAX_CLOCK_OFFSET`].
    pub fn advance(&self, d: Duration) {
        let ms = u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        let max = max_offset_ms();
        // fetch_update never fails with a closure that always returns Some.
        let _ =
            self.offset_ms.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |o| Some(o.saturating_add(ms).min(max)));
    }

    /// Move the sandbox clock forward by `d`, or leave it and return `false` when that would put
    /// it more than [`MAX_CLOCK_OFFSET`] ahead.
    pub fn try_advance(&self, d: Duration) -> bool {
        let ms = u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        let max = max_offset_ms();
        self.offset_ms
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |o| o.checked_add(ms).filter(|n| *n <= max))
            .is_ok()
    }

    /// How far the sandbox clock is ahead of the wall clock.
    pub fn offset(&self) -> Duration {
        Duration::from_millis(self.offset_ms.load(Ordering::Relaxed))
    }
}

/// Format Unix milliseconds as RFC 3339 UTC with second precision, e.g. `2025-01-31T12:00:00Z`.
pub(crate) fn rfc3339(unix_ms: u64) -> String {
    let secs = unix_ms / 1000;
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    // Civil-from-days (Howard Hinnant's algorithm), valid for every date after 1970.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400_000), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(1_735_689_599_999), "2024-12-31T23:59:59Z");
    }

    #[test]
    fn advances() {
        let c = Clock::default();
        let before = c.now_ms();
        c.advance(Duration::from_secs(3600));
        assert!(c.now_ms() >= before + 3_600_000);
        assert_eq!(c.offset(), Duration::from_secs(3600));
        assert!(!c.try_advance(MAX_CLOCK_OFFSET), "past the limit: refused and unchanged");
        assert_eq!(c.offset(), Duration::from_secs(3600));
        assert!(c.try_advance(MAX_CLOCK_OFFSET - Duration::from_secs(3600)));
        c.advance(Duration::MAX);
        assert_eq!(c.offset(), MAX_CLOCK_OFFSET, "the in-process call stops at the limit");
    }
}
