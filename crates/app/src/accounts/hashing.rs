//! Password hashing behind a bounded pool. Argon2 takes 19 MiB and tens of milliseconds
//! per hash on purpose; run on tokio's unbounded blocking pool, every concurrent log-in
//! took its own 19 MiB on a thread of its own (64 at once grew a server by 1.3 GB, and the
//! allocator kept much of it). Here a fixed set of threads, one per core, hashes, and a
//! short queue waits for them; whoever comes when the queue is full is refused at once
//! ([`AppError::Busy`]) instead of growing the memory. The threads are the pool's own, and
//! each verifies log-ins in one block of Argon2 memory it keeps: the memory of password
//! checking is that block per thread however many log-ins come, with nothing allocated
//! and freed per log-in for the allocator to hold on to.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc;
use std::sync::{Arc, LazyLock, Mutex};

use std::cell::RefCell;

use argon2::password_hash::PasswordHasher;
use argon2::password_hash::phc::{Output, PasswordHash};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use innozone_domain::accounts::Password;
use tokio::sync::Semaphore;

use crate::AppError;

/// How long a refused caller is asked to wait, in seconds: a hash takes well under one.
pub const BUSY_RETRY_SECONDS: i64 = 1;

type Job = Box<dyn FnOnce() + Send>;

/// The threads that hash passwords and the places to wait for them.
pub struct HashPool {
    /// One permit per hash running or waiting: beyond them callers are refused.
    admitted: Arc<Semaphore>,
    /// The jobs for the threads; they end when the pool is dropped.
    jobs: mpsc::Sender<Job>,
}

impl HashPool {
    /// `workers` threads hashing, and `queue` more hashes waiting for them.
    pub fn new(workers: usize, queue: usize) -> HashPool {
        let workers = workers.max(1);
        let (jobs, inbox) = mpsc::channel::<Job>();
        let inbox = Arc::new(Mutex::new(inbox));
        for n in 0..workers {
            let inbox = inbox.clone();
            std::thread::Builder::new()
                .name(format!("password-hash-{n}"))
                .spawn(move || {
                    loop {
                        // The lock is let go before the job runs: the others wait for the
                        // next job meanwhile.
                        let next = match inbox.lock() {
                            Ok(inbox) => inbox.recv(),
                            Err(_) => return,
                        };
                        let Ok(job) = next else { return };
                        // A job that panics loses its answer (the caller sees `Hashing`),
                        // not the thread.
                        let _ = std::panic::catch_unwind(AssertUnwindSafe(job));
                    }
                })
                .expect("a thread for password hashing");
        }
        HashPool {
            admitted: Arc::new(Semaphore::new(workers + queue)),
            jobs,
        }
    }

    /// A server's pool: one thread per core, and twice as many hashes waiting.
    pub fn for_this_machine() -> HashPool {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        HashPool::new(cores, 2 * cores)
    }

    /// The process's pool for what is not a server's request: the command line, the first
    /// administrator, test fixtures. As many threads, a long queue.
    pub fn shared() -> &'static HashPool {
        static SHARED: LazyLock<HashPool> = LazyLock::new(|| {
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            HashPool::new(cores, 1024)
        });
        &SHARED
    }

    /// Runs `job` on one of the pool's threads; `Busy` at once when the queue is full.
    /// The place in the queue goes with the job, not with the caller: a caller that gives
    /// up (a closed connection) does not free a place whose hash is still to run.
    async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let admitted = self
            .admitted
            .clone()
            .try_acquire_owned()
            .map_err(|_| AppError::Busy {
                retry_after: BUSY_RETRY_SECONDS,
            })?;
        let (done, answer) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let value = job();
            drop(admitted);
            let _ = done.send(value);
        });
        self.jobs.send(job).map_err(|_| AppError::Hashing)?;
        answer.await.map_err(|_| AppError::Hashing)
    }

    /// The argon2id hash of a new password.
    pub async fn hash(&self, password: &Password) -> Result<String, AppError> {
        self.hash_secret(password.expose().to_string()).await
    }

    async fn hash_secret(&self, secret: String) -> Result<String, AppError> {
        self.run(move || {
            Argon2::default()
                .hash_password(secret.as_bytes())
                .map(|h| h.to_string())
                .map_err(|_| AppError::Hashing)
        })
        .await?
    }

    /// Whether `candidate` is the password of `hash`; a hash that cannot be read matches
    /// nothing.
    pub async fn verify(&self, hash: &str, candidate: &str) -> Result<bool, AppError> {
        let hash = hash.to_string();
        let candidate = candidate.to_string();
        self.run(move || verify_in_kept_memory(&hash, candidate.as_bytes()))
            .await
    }

    /// A hash to verify against when the user does not exist, so that an unknown name
    /// costs as much as a wrong password and does not tell which accounts exist. Made
    /// once per process from a random secret nobody knows.
    pub(crate) async fn dummy_hash(&self) -> Result<&'static str, AppError> {
        static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
        DUMMY
            .get_or_try_init(|| async {
                let mut secret = [0u8; 24];
                rand::fill(&mut secret);
                self.hash_secret(hex::encode(secret)).await
            })
            .await
            .map(String::as_str)
    }
}

thread_local! {
    /// The Argon2 memory of this thread's verifications, kept from one to the next.
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Argon2's verification (as `PasswordVerifier` does it: the parameters, salt and output
/// of the PHC string, the output compared in constant time) in this thread's kept memory
/// instead of 19 MiB allocated and freed per call.
fn verify_in_kept_memory(hash: &str, candidate: &[u8]) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(&*parsed.algorithm) else {
        return false;
    };
    let Ok(version) = parsed
        .version
        .map_or(Ok(Version::default()), Version::try_from)
    else {
        return false;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let blocks = params.block_count();
    let mut out = vec![0u8; expected.len()];
    let argon2 = Argon2::new(algorithm, version, params);
    let computed = MEMORY.with_borrow_mut(|memory| {
        if memory.len() < blocks {
            memory.resize(blocks, Block::default());
        }
        argon2.hash_password_into_with_memory(candidate, salt, &mut out, &mut memory[..blocks])
    });
    // `Output`'s equality is the constant-time one.
    computed.is_ok() && Output::new(&out).is_ok_and(|out| out == *expected)
}

#[cfg(test)]
mod tests {
    use innozone_domain::accounts::Username;

    use super::*;

    /// With its worker and its queue taken, the pool refuses the next caller at once, and
    /// takes callers again when they are free.
    #[tokio::test]
    async fn a_full_pool_refuses_instead_of_queueing_without_end() {
        let pool = Arc::new(HashPool::new(1, 2));
        let name = Username::parse("zhang.wei").unwrap();
        let hash = pool
            .hash(&Password::parse("Lanbai-2020", &name).unwrap())
            .await
            .unwrap();
        // One job holds the worker until told to finish; two more wait for it.
        let (finish, finished) = std::sync::mpsc::channel::<()>();
        let finished = Arc::new(std::sync::Mutex::new(finished));
        let mut held = tokio::task::JoinSet::new();
        for _ in 0..3 {
            let pool = pool.clone();
            let finished = finished.clone();
            held.spawn(async move {
                pool.run(move || finished.lock().unwrap().recv().is_ok())
                    .await
            });
        }
        while pool.admitted.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        match pool.verify(&hash, "Lanbai-2020").await {
            Err(AppError::Busy { retry_after }) => assert_eq!(retry_after, BUSY_RETRY_SECONDS),
            other => panic!("a full pool refuses: {other:?}"),
        }
        for _ in 0..3 {
            finish.send(()).unwrap();
        }
        while let Some(done) = held.join_next().await {
            assert!(done.unwrap().unwrap());
        }
        assert!(pool.verify(&hash, "Lanbai-2020").await.unwrap());
        assert!(!pool.verify(&hash, "Lanbai-2021").await.unwrap());
    }

    /// Verifying in the kept memory agrees with the crate's own verifier, on the hashes
    /// this application makes and on others.
    #[test]
    fn verification_in_kept_memory_agrees_with_argon2() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let small = Params::new(64, 1, 1, None).unwrap();
        let hashers = [
            Argon2::default(),
            Argon2::new(Algorithm::Argon2i, Version::V0x10, small.clone()),
            Argon2::new(Algorithm::Argon2d, Version::V0x13, small),
        ];
        for hasher in hashers {
            let hash = hasher.hash_password(b"Lanbai-2020").unwrap().to_string();
            for candidate in ["Lanbai-2020", "Lanbai-2021", "", "lanbai-2020"] {
                let theirs = Argon2::default()
                    .verify_password(candidate.as_bytes(), hash.as_str())
                    .is_ok();
                let ours = verify_in_kept_memory(&hash, candidate.as_bytes());
                assert_eq!(ours, theirs, "{hash} {candidate:?}");
                assert_eq!(ours, candidate == "Lanbai-2020");
            }
        }
        for broken in [
            "",
            "not a hash",
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ",
        ] {
            assert!(!verify_in_kept_memory(broken, b"Lanbai-2020"), "{broken}");
        }
    }
}
