//! The replay guard: remembers the `jti` of every accepted token until that token could no longer
//! verify, so that a captured delivery cannot be accepted a second time.
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use sha2::{Digest, Sha256};

use super::webhook_error;
use crate::error::Result;

/// A token id as remembered: the SHA-256 of the `jti`, so that every entry has the same small
/// size whatever the sender put in the claim.
type Key = [u8; 32];

/// Remembers the `jti` claims of accepted webhook tokens, each until its token would be refused
/// anyway by the time checks (its `exp` plus the leeway, or its `iat` plus the maximum age,
/// whichever comes first), and refuses a token whose `jti` it still holds.
///
/// Memory is bounded: at most [`ReplayGuard::capacity`] token ids are held (about 100 bytes
/// each). When that many tokens are within their validity at once, further tokens are refused
/// (fail closed) until older entries expire; the default of 100 000 is far above what a webhook
/// endpoint receives in the default eleven-minute window.
///
/// Cheap to clone: clones share the same memory, and so do the [`WebhookVerifier`]s built with
/// it (and their clones). Give a verifier rebuilt for a secret rotation the guard of the old one
/// ([`WebhookVerifier::replay_guard`]) so that no token accepted before the rotation can be
/// replayed after it. Thread-safe.
///
/// A token id is recorded only when the whole delivery verified (signature, claims, body hash,
/// body), so a delivery tampered with in transit cannot use up the id of the genuine one.
///
/// Note that Prove signs each delivery attempt anew: a retried delivery carries a new `jti` and
/// is not a replay. Deduplicate notifications by `eventId` where handling one twice matters.
///
/// [`WebhookVerifier`]: super::WebhookVerifier
/// [`WebhookVerifier::replay_guard`]: super::WebhookVerifier::replay_guard
#[derive(Clone)]
pub struct ReplayGuard {
    seen: Arc<Mutex<Seen>>,
    capacity: usize,
}

#[derive(Default)]
struct Seen {
    /// Token id → the Unix second after which it is forgotten.
    by_id: HashMap<Key, i64>,
    /// The same entries ordered by that second, to forget expired ones cheaply.
    by_expiry: BTreeSet<(i64, Key)>,
}

impl ReplayGuard {
    /// Default [`ReplayGuard::capacity`].
    pub const DEFAULT_CAPACITY: usize = 100_000;

    /// A guard holding at most [`ReplayGuard::DEFAULT_CAPACITY`] token ids.
    pub fn new() -> Self {
        ReplayGuard::with_capacity(ReplayGuard::DEFAULT_CAPACITY)
    }

    /// A guard holding at most `capacity` token ids (at least 1).
    pub fn with_capacity(capacity: usize) -> Self {
        ReplayGuard { seen: Arc::new(Mutex::new(Seen::default())), capacity: capacity.max(1) }
    }

    /// The most token ids held at once.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many token ids are held now (expired ones are dropped on the next verification).
    pub fn len(&self) -> usize {
        self.lock().by_id.len()
    }

    /// Whether no token id is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets every token id.
    pub fn clear(&self) {
        let mut seen = self.lock();
        seen.by_id.clear();
        seen.by_expiry.clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Seen> {
        // The map is consistent after every statement, so a panic elsewhere leaves it usable.
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records `jti` (kept until the Unix second `forget_after`), or refuses it when it is held
    /// already. `now` (Unix seconds) drops the entries that have expired.
    pub(super) fn check_and_remember(&self, jti: &str, forget_after: i64, now: i64) -> Result<()> {
        let key: Key = Sha256::digest(jti.as_bytes()).into();
        let mut seen = self.lock();
        while let Some(&(at, old)) = seen.by_expiry.first() {
            if at >= now {
                break;
            }
            seen.by_expiry.pop_first();
            seen.by_id.remove(&old);
        }
        if seen.by_id.contains_key(&key) {
            return Err(webhook_error("webhook token replayed: its jti was already accepted"));
        }
        if seen.by_id.len() >= self.capacity {
            return Err(webhook_error(format!(
                "webhook replay guard is full ({} token ids still valid); refusing until some expire",
                self.capacity
            )));
        }
        seen.by_id.insert(key, forget_after);
        seen.by_expiry.insert((forget_after, key));
        Ok(())
    }
}

impl Default for ReplayGuard {
    fn default() -> Self {
        ReplayGuard::new()
    }
}

impl fmt::Debug for ReplayGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplayGuard").field("held", &self.len()).field("capacity", &self.capacity).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_held_id_forgets_it_after_expiry_and_stays_bounded() {
        let g = ReplayGuard::with_capacity(2);
        g.check_and_remember("a", 100, 10).unwrap();
        assert!(g.check_and_remember("a", 100, 50).unwrap_err().message.contains("replayed"));
        // At its last valid second it is still held; one second later it is gone.
        assert!(g.check_and_remember("a", 100, 100).is_err());
        g.check_and_remember("b", 300, 20).unwrap();
        assert!(g.check_and_remember("c", 300, 30).unwrap_err().message.contains("full"));
        assert_eq!(g.len(), 2);
        g.check_and_remember("a", 400, 101).unwrap();
        assert_eq!(g.len(), 2, "the expired entry made room");
        let shared = g.clone();
        assert!(shared.check_and_remember("b", 300, 102).is_err(), "clones share the memory");
        g.clear();
        assert!(shared.is_empty());
    }
}
