//! Password hashing behind a bounded pool. Argon2 takes 19 MiB and tens of milliseconds
//! per hash on purpose; run on tokio's unbounded blocking pool, every concurrent log-in
//! took its own 19 MiB (64 at once grew a server by 1.3 GB). Here at most one hash runs
//! per core and a short queue waits for them; whoever comes when the queue is full is
//! refused at once ([`AppError::Busy`]) instead of growing the memory.

use std::sync::{Arc, LazyLock};

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use innozone_domain::accounts::Password;
use tokio::sync::Semaphore;

use crate::AppError;

/// How long a refused caller is asked to wait, in seconds: a hash takes well under one.
pub const BUSY_RETRY_SECONDS: i64 = 1;

/// The workers that hash passwords and the places to wait for them.
pub struct HashPool {
    /// One permit per hash that may run at once.
    workers: Arc<Semaphore>,
    /// One permit per hash running or waiting: beyond them callers are refused.
    admitted: Arc<Semaphore>,
}

impl HashPool {
    /// `workers` hashes at once, and `queue` more waiting for them.
    pub fn new(workers: usize, queue: usize) -> HashPool {
        let workers = workers.max(1);
        HashPool {
            workers: Arc::new(Semaphore::new(workers)),
            admitted: Arc::new(Semaphore::new(workers + queue)),
        }
    }

    /// A server's pool: one worker per core, and twice as many waiting.
    pub fn for_this_machine() -> HashPool {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        HashPool::new(cores, 2 * cores)
    }

    /// The process's pool for what is not a server's request: the command line, the first
    /// administrator, test fixtures. As many workers, a long queue.
    pub fn shared() -> &'static HashPool {
        static SHARED: LazyLock<HashPool> = LazyLock::new(|| {
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            HashPool::new(cores, 1024)
        });
        &SHARED
    }

    /// Runs `job` on a blocking thread once a worker is free; `Busy` at once when the
    /// queue is full. The permits go with the job, not with the caller: a caller that
    /// gives up (a closed connection) does not free a worker whose hash still runs.
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
        let worker = self
            .workers
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| AppError::Hashing)?;
        tokio::task::spawn_blocking(move || {
            let done = job();
            drop((worker, admitted));
            done
        })
        .await
        .map_err(|_| AppError::Hashing)
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
        self.run(move || {
            PasswordHash::new(&hash).is_ok_and(|parsed| {
                Argon2::default()
                    .verify_password(candidate.as_bytes(), &parsed)
                    .is_ok()
            })
        })
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
}
