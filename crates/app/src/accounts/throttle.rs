//! Back-off for failed log-ins, per client address and per user name.
//!
//! Kept in memory, per server: a server restarted or a second server behind the same
//! load balancer starts from nothing. That is acceptable for what this guards against —
//! one client guessing fast — because the lock-out of an account (five failures, fifteen
//! minutes) is kept in the database and holds across servers; this only slows down the
//! guessing between locks and over many names. User names are throttled whether or not
//! the account exists, so that the back-off does not tell which names exist.
//!
//! Each key may fail a few times freely; every further failure doubles the wait before
//! the next attempt, up to a ceiling. A key that has not failed for a while is forgotten.
//! Successes clear the name's count but not the address's: one account of one's own must
//! not reset the count of guesses at others'.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;

/// How one kind of key backs off.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    /// Failures allowed before any wait.
    pub free: u32,
    /// The wait after the first failure beyond the free ones, in seconds; doubled by each
    /// further failure.
    pub first_wait: i64,
    /// The longest wait.
    pub max_wait: i64,
    /// After this long without a failure the key starts afresh.
    pub forget_after: i64,
}

/// A client address: ten free failures, then from 1 s up to 5 min. Generous, as an
/// office behind one address holds many users.
pub const PER_CLIENT: Backoff = Backoff {
    free: 10,
    first_wait: 1,
    max_wait: 5 * 60,
    forget_after: 15 * 60,
};

/// A user name: as many free failures as lock an account, then from 1 s up to the lock's
/// length, whether the name exists or not.
pub const PER_NAME: Backoff = Backoff {
    free: super::MAX_FAILED_LOGINS as u32,
    first_wait: 1,
    max_wait: super::LOCK_SECONDS,
    forget_after: super::LOCK_SECONDS,
};

/// The most keys of each kind kept: beyond, the one that failed longest ago is dropped,
/// so that a flood of made-up names cannot grow the memory.
const MAX_KEYS: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    last_failure: i64,
    blocked_until: i64,
}

struct Keys<K> {
    backoff: Backoff,
    entries: Mutex<HashMap<K, Entry>>,
}

impl<K: Hash + Eq + Clone> Keys<K> {
    fn new(backoff: Backoff) -> Self {
        Keys {
            backoff,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn wait(&self, key: &K, now: i64) -> Option<i64> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .map(|e| e.blocked_until - now)
            .filter(|w| *w > 0)
    }

    fn failed(&self, key: &K, now: i64) {
        let b = self.backoff;
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if !entries.contains_key(key) && entries.len() >= MAX_KEYS {
            entries.retain(|_, e| now - e.last_failure < b.forget_after);
            if entries.len() >= MAX_KEYS
                && let Some(oldest) = entries
                    .iter()
                    .min_by_key(|(_, e)| e.last_failure)
                    .map(|(k, _)| k.clone())
            {
                entries.remove(&oldest);
            }
        }
        let entry = entries.entry(key.clone()).or_insert(Entry {
            failures: 0,
            last_failure: now,
            blocked_until: 0,
        });
        if now - entry.last_failure >= b.forget_after {
            entry.failures = 0;
        }
        entry.failures += 1;
        entry.last_failure = now;
        if entry.failures > b.free {
            let doublings = (entry.failures - b.free - 1).min(32);
            let wait = b.first_wait.saturating_mul(1 << doublings).min(b.max_wait);
            entry.blocked_until = now + wait;
        }
    }

    fn clear(&self, key: &K) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.remove(key);
    }
}

/// The back-off of one server's log-ins.
pub struct Throttle {
    clients: Keys<IpAddr>,
    names: Keys<String>,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle::new(PER_CLIENT, PER_NAME)
    }
}

impl Throttle {
    pub fn new(per_client: Backoff, per_name: Backoff) -> Throttle {
        Throttle {
            clients: Keys::new(per_client),
            names: Keys::new(per_name),
        }
    }

    /// How many seconds the client must still wait before trying `username`, if any.
    pub fn wait(&self, client: IpAddr, username: &str, now: i64) -> Option<i64> {
        let by_client = self.clients.wait(&client_key(client), now);
        let by_name = self.names.wait(&name_key(username), now);
        by_client.max(by_name)
    }

    /// Counts a failed log-in of `client` as `username`.
    pub fn failed(&self, client: IpAddr, username: &str, now: i64) {
        self.clients.failed(&client_key(client), now);
        self.names.failed(&name_key(username), now);
    }

    /// A log-in as `username` succeeded: the name starts afresh.
    pub fn succeeded(&self, username: &str) {
        self.names.clear(&name_key(username));
    }
}

/// IPv6 clients are counted by their /64, which one subscriber usually holds whole.
fn client_key(client: IpAddr) -> IpAddr {
    match client {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                IpAddr::V6(segments.into())
            }
        },
    }
}

/// The name as typed, the way user names compare (trimmed, lower case), cut short so
/// that a long name costs no more memory than a real one.
fn name_key(username: &str) -> String {
    username.trim().to_lowercase().chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;

    const T0: i64 = 1_800_000_000;
    const HOME: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
    const AWAY: IpAddr = IpAddr::V4(Ipv4Addr::new(198, 51, 100, 7));

    #[test]
    fn a_name_backs_off_after_its_free_failures_whether_it_exists_or_not() {
        let throttle = Throttle::default();
        for attempt in 0..5 {
            assert_eq!(throttle.wait(HOME, "nobody", T0 + attempt), None);
            throttle.failed(HOME, "nobody", T0 + attempt);
        }
        // The fifth failure (at T0 + 4) was the last free one: the sixth waits 1 s.
        assert_eq!(throttle.wait(HOME, "nobody", T0 + 4), None);
        throttle.failed(HOME, "Nobody ", T0 + 4);
        assert_eq!(throttle.wait(AWAY, "NOBODY", T0 + 4), Some(1));
        assert_eq!(throttle.wait(AWAY, "nobody", T0 + 5), None);
        throttle.failed(AWAY, "nobody", T0 + 5);
        assert_eq!(throttle.wait(AWAY, "nobody", T0 + 5), Some(2));
        throttle.failed(AWAY, "nobody", T0 + 7);
        assert_eq!(throttle.wait(AWAY, "nobody", T0 + 7), Some(4));
        // Another name from the same addresses is not held up.
        assert_eq!(throttle.wait(HOME, "somebody", T0 + 7), None);
        // A success clears the name.
        throttle.succeeded("nobody");
        assert_eq!(throttle.wait(AWAY, "nobody", T0 + 7), None);
    }

    #[test]
    fn an_address_backs_off_over_many_names_and_a_success_does_not_clear_it() {
        let throttle = Throttle::default();
        for n in 0..10 {
            throttle.failed(HOME, &format!("user{n}"), T0);
        }
        assert_eq!(throttle.wait(HOME, "user99", T0), None);
        throttle.failed(HOME, "user10", T0);
        assert_eq!(throttle.wait(HOME, "user99", T0), Some(1));
        throttle.succeeded("user10");
        assert_eq!(throttle.wait(HOME, "user99", T0), Some(1));
        assert_eq!(throttle.wait(AWAY, "user99", T0), None);
        // The waits double up to five minutes.
        for n in 0..20 {
            throttle.failed(HOME, "user11", T0 + n);
        }
        assert_eq!(throttle.wait(HOME, "user99", T0 + 19), Some(300));
        // After fifteen quiet minutes the address starts afresh.
        let later = T0 + 19 + 15 * 60;
        throttle.failed(HOME, "user12", later);
        assert_eq!(throttle.wait(HOME, "user99", later), None);
    }

    #[test]
    fn ipv6_clients_count_by_their_slash_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(client_key(a), client_key(b));
        assert_ne!(client_key(a), client_key(other));
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(client_key(mapped), HOME);
    }

    #[test]
    fn the_keys_kept_are_bounded() {
        let keys = Keys::new(PER_NAME);
        for n in 0..(MAX_KEYS + 50) {
            keys.failed(&format!("made-up-{n}"), T0);
        }
        assert_eq!(keys.entries.lock().unwrap().len(), MAX_KEYS);
    }
}
