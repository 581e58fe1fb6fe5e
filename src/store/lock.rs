//! One writing process per database file.
//!
//! The writer keeps the end of the hash chain and each organization's
//! decision state in memory, so a second process appending to the same
//! file would leave the first one's memory stale. A process that writes
//! (`serve`, `import`, `demo`, `rebuild`, `restore`) therefore holds an
//! exclusive lock on `<database>.lock` beside the file for as long as it
//! runs; a second one is refused at once with the first one's process id.
//! Reading commands take no lock. The operating system releases the lock
//! when the process ends, however it ends, so a crash never leaves the
//! database locked; the lock file itself stays and is harmless.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use super::StoreError;

/// The right to append to one database file, held until dropped.
#[derive(Debug)]
pub struct WriterLock {
    _file: File,
}

impl WriterLock {
    /// Takes the lock of the database at `db`, or says who holds it.
    pub fn acquire(db: &Path) -> Result<Self, StoreError> {
        let path = lock_path(db);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                // The holder wrote its process id; a half-written one only
                // makes the message vaguer.
                let _ = file.read_to_string(&mut holder);
                return Err(StoreError::Locked {
                    path: db.display().to_string(),
                    holder: holder.trim().parse().ok(),
                });
            }
            Err(TryLockError::Error(error)) => return Err(error.into()),
        }
        file.set_len(0)?;
        file.rewind()?;
        writeln!(file, "{}", std::process::id())?;
        Ok(Self { _file: file })
    }
}

/// `<database>.lock`, beside the database.
fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}
