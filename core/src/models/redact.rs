//! Redaction of personal data and secrets in `Debug` output.
use std::fmt;

/// Debug-formats as `<redacted>` when a value is present, so logs show whether a field was set
/// but never its content.
pub(crate) struct Redacted<'a, T: ?Sized>(&'a T);

impl<'a, T: ?Sized> Redacted<'a, T> {
    pub(crate) fn of(v: &'a T) -> Self {
        Redacted(v)
    }
}

/// Whether a value counts as "set" for redacted output.
pub(crate) trait Presence {
    fn present(&self) -> bool;
}

impl<T> Presence for Option<T> {
    fn present(&self) -> bool {
        self.is_some()
    }
}
impl Presence for String {
    fn present(&self) -> bool {
        !self.is_empty()
    }
}
impl<T> Presence for Vec<T> {
    fn present(&self) -> bool {
        !self.is_empty()
    }
}
impl<T: Presence + ?Sized> Presence for &T {
    fn present(&self) -> bool {
        (**self).present()
    }
}

impl<T: Presence + ?Sized> fmt::Debug for Redacted<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.present() {
            f.write_str("<redacted>")
        } else {
            f.write_str("None")
        }
    }
}
