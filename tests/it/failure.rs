//! Failure safety of the store: a file that is not a Sporbar database is
//! refused at start-up and left exactly as it was; a database that cannot
//! be written (read-only, disk full) refuses changes with a clear error,
//! keeps answering reads, and is intact once the condition clears.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sha2::{Digest, Sha256};
use sporbar::store::{SqliteStore, StoreError, StoreOptions};

use crate::integrity;
use crate::server::{self, Server};
use crate::support::*;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Every file in `dir` with the SHA-256 of its bytes (directories as "dir"):
/// two equal snapshots mean nothing was changed, added or removed. `-shm`
/// files are left out: they are SQLite's shared memory, which any reader
/// of a WAL database creates and writes, not part of the database.
fn snapshot(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|entry| {
            !entry
                .as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with("-shm")
        })
        .map(|entry| {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            let digest = if entry.file_type().unwrap().is_dir() {
                "dir".to_owned()
            } else {
                hex::encode(Sha256::digest(std::fs::read(entry.path()).unwrap()))
            };
            (name, digest)
        })
        .collect()
}

fn sporbar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sporbar"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("sporbar runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A real database with a few events, checkpointed so the whole log is in
/// the main file (no -wal left), as it is after a clean stop.
fn real_database(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let store = SqliteStore::open(&path, StoreOptions::default()).unwrap();
    let s = Scenario::create(&store);
    for year in 2016..=2018 {
        submit(
            &store,
            &format!("{year}-12-31"),
            s.assess(
                sporbar::domain::GoalStatus::InProgress,
                &format!("årsmelding {year}"),
            ),
        )
        .unwrap();
    }
    drop(store);
    assert!(
        !dir.join(format!("{name}-wal")).exists(),
        "a clean stop leaves no WAL"
    );
    path
}

/// The files that are not Sporbar databases, each with what it is.
fn unusable_files(dir: &Path) -> Vec<(&'static str, PathBuf)> {
    let real = real_database(dir, "real.db");
    let bytes = std::fs::read(&real).unwrap();
    assert!(bytes.len() > 8 * 4096, "the real database spans many pages");
    let mut files = Vec::new();
    let mut write = |what: &'static str, name: &str, content: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        files.push((what, path));
    };
    // Deterministic noise: the same bytes on every run.
    let noise: Vec<u8> = (0u32..20_000)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    write("random bytes", "random.db", &noise);
    let mut with_magic = b"SQLite format 3\0".to_vec();
    with_magic.extend_from_slice(&noise);
    write(
        "an SQLite header followed by noise",
        "magic.db",
        &with_magic,
    );
    write(
        "a text file",
        "notes.db",
        "dette er ikke en database\n".repeat(200).as_bytes(),
    );
    write("an empty file", "empty.db", b"");
    write("the first bytes of a database", "stub.db", &bytes[..50]);
    write(
        "a database cut after its header",
        "header.db",
        &bytes[..100],
    );
    write(
        "a database cut after its first page",
        "page1.db",
        &bytes[..4096],
    );
    write(
        "a database cut in half",
        "half.db",
        &bytes[..bytes.len() / 2],
    );
    write(
        "a database missing its last page",
        "short.db",
        &bytes[..bytes.len() - 4096],
    );
    write(
        "a database missing its last bytes",
        "ragged.db",
        &bytes[..bytes.len() - 100],
    );
    let foreign = dir.join("invoices.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch(
            "CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount INTEGER);
             INSERT INTO invoices (amount) VALUES (1250000);",
        )
        .unwrap();
    files.push(("an SQLite database of another program", foreign));
    // Another program's database left with its last changes in the WAL:
    // copies of its files taken while it was open, as after a crash.
    let live = dir.join("live.db");
    let conn = rusqlite::Connection::open(&live).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;
         CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hei');",
    )
    .unwrap();
    let foreign_wal = dir.join("journal.db");
    std::fs::copy(&live, &foreign_wal).unwrap();
    std::fs::copy(dir.join("live.db-wal"), dir.join("journal.db-wal")).unwrap();
    drop(conn);
    std::fs::remove_file(&live).unwrap();
    assert!(
        std::fs::metadata(dir.join("journal.db-wal")).unwrap().len() > 0,
        "the copy has its changes in the WAL"
    );
    files.push((
        "an SQLite database of another program with its WAL",
        foreign_wal,
    ));
    let folder = dir.join("folder.db");
    std::fs::create_dir(&folder).unwrap();
    files.push(("a directory", folder));
    std::fs::remove_file(&real).unwrap();
    files
}

// ---------------------------------------------------------------------------
// A file that is not a Sporbar database
// ---------------------------------------------------------------------------

#[test]
fn a_file_that_is_not_a_sporbar_database_is_refused_at_open_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    for (what, path) in unusable_files(dir.path()) {
        let before = snapshot(dir.path());
        let error = SqliteStore::open(&path, StoreOptions::default())
            .err()
            .unwrap_or_else(|| panic!("{what} was opened as a Sporbar database"));
        let message = sporbar::store::error_chain(&error);
        assert!(
            matches!(error, StoreError::Foreign { .. }),
            "{what}: not refused as foreign: {message}"
        );
        assert!(
            message.contains(&path.display().to_string()),
            "{what}: the error does not name the file: {message}"
        );
        assert_eq!(
            snapshot(dir.path()),
            before,
            "{what}: the folder changed ({message})"
        );
    }
}

#[test]
fn serve_and_verify_refuse_a_file_that_is_not_a_sporbar_database_and_leave_it_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    for (what, path) in unusable_files(dir.path()) {
        let db = path.to_str().unwrap();
        for args in [
            vec!["verify", "--db", db],
            vec!["serve", "--db", db, "--listen", "127.0.0.1:0"],
        ] {
            let before = snapshot(dir.path());
            let out = sporbar(&args);
            let message = stderr(&out);
            assert!(
                !out.status.success(),
                "{what}: `sporbar {}` succeeded: {message}",
                args[0]
            );
            assert!(
                message.contains("is not a Sporbar database"),
                "{what}: `sporbar {}` gave no clear reason: {message}",
                args[0]
            );
            assert_eq!(
                snapshot(dir.path()),
                before,
                "{what}: `sporbar {}` changed the folder",
                args[0]
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Read-only database and full disk
// ---------------------------------------------------------------------------

/// Says why a test could not run here, on the terminal even when the test
/// harness captures output, so a skipped check is never silent.
fn skipped(test: &str, why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "\n{test}: NOT RUN here: {why}");
}

/// Keeps a file or folder unwritable for this process while it lives.
struct Unwritable {
    path: PathBuf,
    restore: Restore,
}

enum Restore {
    Mode(u32),
    Immutable,
}

impl Drop for Unwritable {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        match self.restore {
            Restore::Mode(mode) => {
                std::fs::set_permissions(&self.path, std::fs::Permissions::from_mode(mode))
                    .unwrap();
            }
            Restore::Immutable => {
                let status = Command::new("chattr")
                    .arg("-i")
                    .arg(&self.path)
                    .status()
                    .unwrap();
                assert!(status.success(), "chattr -i '{}'", self.path.display());
            }
        }
    }
}

/// Whether this process can write `path` (for a folder: make a file in it).
fn can_write(path: &Path) -> bool {
    if path.is_dir() {
        let probe = path.join(".can-write");
        let made = std::fs::File::create(&probe).is_ok();
        let _ = std::fs::remove_file(&probe);
        made
    } else {
        std::fs::OpenOptions::new().write(true).open(path).is_ok()
    }
}

/// Makes `path` unwritable: by its permission bits when those bind this
/// process (not root), else by the immutable flag (`chattr +i`, which binds
/// root too, and also stops writes through descriptors opened before).
/// `while_open`: the file is open already, so only the flag will do.
fn make_unwritable(path: &Path, while_open: bool) -> Result<Unwritable, String> {
    use std::os::unix::fs::PermissionsExt;
    if !while_open {
        let mode = std::fs::metadata(path).unwrap().permissions().mode();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & !0o222)).unwrap();
        if !can_write(path) {
            return Ok(Unwritable {
                path: path.to_owned(),
                restore: Restore::Mode(mode),
            });
        }
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    let flagged = Command::new("chattr")
        .arg("+i")
        .arg(path)
        .output()
        .map_err(|e| format!("chattr cannot run: {e}"))?;
    if !flagged.status.success() {
        return Err(format!(
            "`chattr +i` failed (needs root and a file system with the immutable flag): {}",
            String::from_utf8_lossy(&flagged.stderr).trim()
        ));
    }
    let guard = Unwritable {
        path: path.to_owned(),
        restore: Restore::Immutable,
    };
    if can_write(path) {
        return Err("the immutable flag does not stop writes here".into());
    }
    Ok(guard)
}

/// A file system of its own, `size` big, mounted on a temporary folder
/// while it lives (tmpfs: needs the right to mount).
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> Result<SmallDisk, String> {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output()
            .map_err(|e| format!("mount cannot run: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "mounting a small tmpfs failed (needs root or CAP_SYS_ADMIN): {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(SmallDisk { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn resize(&self, size: &str) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(self.dir.path())
            .status()
            .unwrap();
        assert!(status.success(), "remount with size {size}");
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

/// A justification of `size` characters, different for every `n`.
fn long_text(n: usize, size: usize) -> String {
    let mut text = format!("vurdering {n}: ");
    while text.chars().count() < size {
        text.push_str("måloppnåelse følges opp i årsmeldingen. ");
    }
    text.chars()
        .take(size)
        .collect::<String>()
        .trim_end()
        .to_owned()
}

fn assessment(s: &Scenario, n: usize, size: usize) -> sporbar::domain::CommandBody {
    s.assess(sporbar::domain::GoalStatus::InProgress, &long_text(n, size))
}

/// Reads that must keep working whatever happens to writes.
fn assert_reads_work(store: &SqliteStore, s: &Scenario, head: u64) {
    assert_eq!(store.head().unwrap().map(|(p, _)| p), Some(head));
    let report = store.verify().unwrap();
    assert!(report.problem.is_none(), "{:?}", report.problem);
    assert_eq!(report.events_checked, head);
    let reader = store.reader().unwrap();
    let view = sporbar::read::strategy(
        &reader,
        s.strategy.0,
        sporbar::read::Moment {
            as_of: head,
            valid_at: date("2018-12-31"),
        },
    )
    .unwrap()
    .expect("the strategy is there");
    assert_eq!(view.id, s.strategy.0);
}

fn error_text(error: &StoreError) -> String {
    sporbar::store::error_chain(error).to_lowercase()
}

#[test]
fn a_database_whose_file_cannot_be_written_opens_for_reading_and_refuses_changes() {
    let db = TestDb::new();
    let store = db.open();
    let s = Scenario::create(&store);
    submit(&store, "2016-12-31", assessment(&s, 0, 100)).unwrap();
    let head = store.head().unwrap().unwrap().0;
    drop(store);
    let unwritable = match make_unwritable(&db.path, false) {
        Ok(guard) => guard,
        Err(why) => return skipped("read-only database file", &why),
    };
    let before = std::fs::read(&db.path).unwrap();

    let store = SqliteStore::open(&db.path, StoreOptions::default())
        .expect("a read-only database opens for reading");
    assert!(store.is_read_only());
    assert_reads_work(&store, &s, head);
    let error = submit(&store, "2017-12-31", assessment(&s, 1, 100)).unwrap_err();
    assert!(
        error_text(&error).contains("readonly"),
        "not a read-only error: {error:?}"
    );
    // All or nothing, as an import sends them: nothing.
    let batch = store
        .execute_all(vec![sporbar::store::Submission::new(
            command("2017-12-31", assessment(&s, 2, 100)),
            "test",
        )])
        .unwrap_err();
    assert!(error_text(&batch).contains("readonly"), "{batch:?}");
    assert_reads_work(&store, &s, head);
    drop(store);
    assert_eq!(std::fs::read(&db.path).unwrap(), before, "the file changed");

    drop(unwritable);
    let store = db.open();
    assert!(!store.is_read_only());
    submit(&store, "2017-12-31", assessment(&s, 3, 100)).expect("writable again");
    assert_eq!(integrity::assert_intact(&store, "writable again"), head + 1);
}

#[test]
fn a_database_in_a_folder_that_cannot_be_written_opens_for_reading_and_refuses_changes() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("data");
    std::fs::create_dir(&folder).unwrap();
    let path = folder.join("sporbar.db");
    let store = SqliteStore::open(&path, StoreOptions::default()).unwrap();
    let s = Scenario::create(&store);
    let head = store.head().unwrap().unwrap().0;
    drop(store);
    assert!(
        !folder.join("sporbar.db-wal").exists(),
        "a clean stop folds the WAL into the file and removes it"
    );
    let unwritable = match make_unwritable(&folder, false) {
        Ok(guard) => guard,
        Err(why) => return skipped("read-only database folder", &why),
    };
    let before = snapshot(&folder);

    // SQLite cannot make its WAL and shared memory here.
    let store = SqliteStore::open(&path, StoreOptions::default())
        .expect("a database in a read-only folder opens for reading");
    assert!(store.is_read_only());
    assert_reads_work(&store, &s, head);
    let error = submit(&store, "2017-12-31", assessment(&s, 1, 100)).unwrap_err();
    assert!(error_text(&error).contains("readonly"), "{error:?}");
    assert_reads_work(&store, &s, head);
    drop(store);
    assert_eq!(snapshot(&folder), before, "the folder changed");

    drop(unwritable);
    let store = SqliteStore::open(&path, StoreOptions::default()).unwrap();
    assert!(!store.is_read_only());
    submit(&store, "2017-12-31", assessment(&s, 2, 100)).expect("writable again");
    integrity::assert_intact(&store, "writable again");
}

#[test]
fn a_read_only_database_with_commits_still_in_its_wal_shows_them() {
    let db = TestDb::new();
    let store = db.open();
    let s = Scenario::create(&store);
    submit(&store, "2016-12-31", assessment(&s, 0, 100)).unwrap();
    let head = store.head().unwrap().unwrap().0;
    // As after a crash: the file and its WAL, copied while the store is open.
    let copy = db.dir.path().join("copy.db");
    std::fs::copy(&db.path, &copy).unwrap();
    let mut wal = db.path.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::copy(&wal, db.dir.path().join("copy.db-wal")).unwrap();
    drop(store);
    let _unwritable = match make_unwritable(&copy, false) {
        Ok(guard) => guard,
        Err(why) => return skipped("read-only database with a WAL", &why),
    };
    let store = SqliteStore::open(&copy, StoreOptions::default()).unwrap();
    assert!(store.is_read_only());
    assert_reads_work(&store, &s, head);
    assert!(submit(&store, "2017-12-31", assessment(&s, 1, 100)).is_err());
    assert_reads_work(&store, &s, head);
}

#[test]
fn a_database_that_becomes_read_only_while_open_refuses_changes_and_recovers() {
    let db = TestDb::new();
    let store = db.open();
    let s = Scenario::create(&store);
    let head = store.head().unwrap().unwrap().0;
    let mut wal = db.path.as_os_str().to_owned();
    wal.push("-wal");
    let guards = make_unwritable(&db.path, true)
        .and_then(|file| Ok((file, make_unwritable(Path::new(&wal), true)?)));
    let guards = match guards {
        Ok(guards) => guards,
        Err(why) => return skipped("database becoming read-only while open", &why),
    };
    for n in 0..3 {
        let error = submit(&store, "2017-12-31", assessment(&s, n, 100)).unwrap_err();
        assert!(
            matches!(error, StoreError::CommitFailed(_) | StoreError::Sqlite(_)),
            "{error:?}"
        );
        assert_reads_work(&store, &s, head);
    }
    drop(guards);
    submit(&store, "2017-12-31", assessment(&s, 9, 100)).expect("writable again");
    assert_eq!(integrity::assert_intact(&store, "writable again"), head + 1);
    drop(store);
    assert_eq!(integrity::assert_intact(&db.open(), "reopened"), head + 1);
}

#[test]
fn a_full_disk_refuses_changes_with_a_clear_error_keeps_reads_and_loses_nothing() {
    let disk = match SmallDisk::mount("2m") {
        Ok(disk) => disk,
        Err(why) => return skipped("full disk", &why),
    };
    let path = disk.path().join("sporbar.db");
    let store = SqliteStore::open(&path, StoreOptions::default()).unwrap();
    let s = Scenario::create(&store);
    // The log itself fills the disk.
    let mut acknowledged = Vec::new();
    let error = loop {
        assert!(acknowledged.len() < 10_000, "the disk never filled");
        let submission = sporbar::store::Submission::new(
            command("2017-12-31", assessment(&s, acknowledged.len(), 5_000)),
            "test",
        );
        let id = submission.command_id.to_string();
        match store.execute(submission) {
            Ok(appended) => acknowledged.push((id, appended.last_position().unwrap())),
            Err(error) => break error,
        }
    };
    assert!(acknowledged.len() > 3, "only {} fitted", acknowledged.len());
    assert!(
        error_text(&error).contains("full"),
        "not a disk-full error: {error:?}"
    );
    let head = store.head().unwrap().unwrap().0;
    assert_eq!(head, acknowledged.last().unwrap().1);
    assert_reads_work(&store, &s, head);
    for n in 0..3 {
        assert!(submit(&store, "2017-12-31", assessment(&s, 100_000 + n, 5_000)).is_err());
        assert_reads_work(&store, &s, head);
    }
    // A plan file's commands go all or nothing: nothing.
    let plan = format!(
        "format = 1\n[organization]\nkey = \"full\"\nname = \"{}\"\nregistered = 2020-01-01\n",
        long_text(0, 250)
    );
    let refused = sporbar::plan::import(&store, "full.toml", &plan, date("2026-01-01"));
    assert!(refused.is_err(), "{refused:?}");
    assert_reads_work(&store, &s, head);

    disk.resize("16m");
    submit(&store, "2017-12-31", assessment(&s, 200_000, 5_000)).expect("space again");
    let present = integrity::events_by_command(&store);
    for (id, position) in &acknowledged {
        assert_eq!(present.get(id), Some(&vec![*position]), "command {id}");
    }
    assert_eq!(integrity::assert_intact(&store, "space again"), head + 1);
    drop(store);
    let store = SqliteStore::open(&path, StoreOptions::default()).unwrap();
    assert_eq!(integrity::assert_intact(&store, "reopened"), head + 1);
}

// ---------------------------------------------------------------------------
// The same through the real server
// ---------------------------------------------------------------------------

const ASSESS: &str =
    "mutation($input: AssessGoalInput!) { assessGoal(input: $input) { receipt { position } } }";

/// A token for an admin (`sporbar token create` prints the secret once).
pub fn admin_token(db: &Path) -> String {
    let out = sporbar(&[
        "token",
        "create",
        "--db",
        db.to_str().unwrap(),
        "--name",
        "fuzz-test",
        "--role",
        "admin",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// A token for an editor of `organization`, when this version of Sporbar
/// has tokens (`sporbar token create` prints the secret once).
fn editor_token(db: &Path, organization: sporbar::domain::OrganizationId) -> Option<String> {
    let out = sporbar(&[
        "token",
        "create",
        "--db",
        db.to_str().unwrap(),
        "--name",
        "failure-test",
        "--role",
        "editor",
        "--organization",
        &organization.0.to_string(),
    ]);
    if !out.status.success() {
        return None;
    }
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    let secret = printed
        .split_whitespace()
        .find(|word| word.starts_with("spb_"))
        .unwrap_or_else(|| panic!("no secret in the output of `sporbar token create`: {printed}"));
    Some(
        secret
            .trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .to_owned(),
    )
}

/// A client of one server: assesses the scenario's goal, asks for the head.
struct Client<'a> {
    s: &'a Scenario,
    token: Option<String>,
}

impl Client<'_> {
    /// Sends an assessment with a justification of `size` characters;
    /// its command id and the answer.
    fn assess(&self, server: &Server, n: usize, size: usize) -> (uuid::Uuid, serde_json::Value) {
        let command_id = uuid::Uuid::new_v4();
        let (status, body) = server::graphql(
            server.address,
            self.token.as_deref(),
            ASSESS,
            serde_json::json!({ "input": {
                "id": self.s.goal.0,
                "status": "IN_PROGRESS",
                "justification": long_text(n, size),
                "effectiveAt": "2017-12-31",
                "commandId": command_id,
            }}),
        )
        .expect("the server answers");
        assert_eq!(status, 200, "{body}");
        (command_id, body)
    }

    /// Sends an assessment that must be refused: the answer has an error
    /// with a code, and no receipt.
    fn refused(&self, server: &Server, n: usize, size: usize) -> String {
        let (_, body) = self.assess(server, n, size);
        let errors = body["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("not refused: {body}"));
        assert!(body["data"]["assessGoal"].is_null(), "{body}");
        for error in errors {
            assert_eq!(
                error["extensions"]["code"], "UNAVAILABLE",
                "the database cannot be written: {body}"
            );
            assert!(
                error["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("nothing was stored")),
                "{body}"
            );
        }
        body.to_string()
    }

    /// The position of an accepted assessment.
    fn accepted(&self, server: &Server, n: usize, size: usize) -> (uuid::Uuid, u64) {
        let (id, body) = self.assess(server, n, size);
        let position = body["data"]["assessGoal"]["receipt"]["position"]
            .as_u64()
            .unwrap_or_else(|| panic!("refused: {body}"));
        (id, position)
    }

    /// The log head and the strategy's title, as a query answers them.
    fn read(&self, server: &Server) -> (u64, String) {
        let (status, body) = server::graphql(
            server.address,
            self.token.as_deref(),
            "query($id: UUID!) { logHead { position } strategy(id: $id) { title } }",
            serde_json::json!({ "id": self.s.strategy.0 }),
        )
        .expect("the server answers");
        assert_eq!(status, 200, "{body}");
        assert!(body.get("errors").is_none(), "a query failed: {body}");
        (
            body["data"]["logHead"]["position"].as_u64().unwrap(),
            body["data"]["strategy"]["title"]
                .as_str()
                .unwrap()
                .to_owned(),
        )
    }
}

/// A database with the scenario, closed; the scenario and a token.
fn served_database(db: &TestDb) -> (Scenario, Option<String>) {
    let store = db.open();
    let s = Scenario::create(&store);
    drop(store);
    let token = editor_token(&db.path, s.organization);
    (s, token)
}

fn wal_of(path: &Path) -> PathBuf {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    PathBuf::from(wal)
}

#[test]
fn a_server_whose_database_becomes_read_only_refuses_mutations_and_keeps_answering_queries() {
    let db = TestDb::new();
    let (s, token) = served_database(&db);
    let client = Client { s: &s, token };
    let mut server = Server::start(&db.path);
    let (first, _) = client.accepted(&server, 0, 100);
    let (head, title) = client.read(&server);

    // Read-only while it runs where the immutable flag is at hand; else
    // (permission bits bind only at open) from its next start.
    let while_running = make_unwritable(&db.path, true)
        .and_then(|file| Ok(vec![file, make_unwritable(&wal_of(&db.path), true)?]));
    let (guards, while_running) = match while_running {
        Ok(guards) => (guards, true),
        Err(why) => {
            skipped(
                "a database becoming read-only under a running server (tested from its start instead)",
                &why,
            );
            server.kill();
            let guard = match make_unwritable(&db.path, false) {
                Ok(guard) => guard,
                Err(why) => return skipped("a server on a read-only database", &why),
            };
            server = Server::start(&db.path);
            (vec![guard], false)
        }
    };
    for n in 1..=3 {
        client.refused(&server, n, 100);
        assert_eq!(client.read(&server), (head, title.clone()));
    }

    drop(guards);
    if !while_running {
        server.kill();
        server = Server::start(&db.path);
    }
    let (last, position) = client.accepted(&server, 9, 100);
    assert_eq!(position, head + 1, "the refused mutations took no position");
    server.kill();
    let store = db.open();
    let present = integrity::events_by_command(&store);
    assert!(present.contains_key(&first.to_string()));
    assert!(present.contains_key(&last.to_string()));
    assert_eq!(integrity::assert_intact(&store, "writable again"), head + 1);
}

#[test]
fn a_server_on_a_full_disk_refuses_mutations_keeps_answering_queries_and_loses_nothing() {
    let db = TestDb::new();
    let (s, token) = served_database(&db);
    let client = Client { s: &s, token };
    // A disk that is full for the server alone: a limit on the size of the
    // files it writes (ulimit -f, in blocks of 512 or 1024 bytes; SIGXFSZ
    // ignored so that a write past it fails instead of killing the server;
    // the soft limit only, so that it can be lifted again).
    let largest = [db.path.clone(), wal_of(&db.path)]
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .max()
        .unwrap();
    let blocks = (largest + 256 * 1024) / 512;
    let mut limited = Command::new("sh");
    limited
        .arg("-c")
        .arg(r#"trap '' XFSZ; ulimit -S -f "$0" && exec "$@""#)
        .arg(blocks.to_string())
        .arg(server::SPORBAR);
    let server = Server::start_with(limited, &db.path).unwrap_or_else(|log| panic!("{log}"));

    let mut acknowledged = Vec::new();
    let refusal = loop {
        assert!(acknowledged.len() < 1_000, "the disk never filled");
        let (id, body) = client.assess(&server, acknowledged.len(), 15_000);
        match body["data"]["assessGoal"]["receipt"]["position"].as_u64() {
            Some(position) => acknowledged.push((id, position)),
            None => break body,
        }
    };
    assert!(!acknowledged.is_empty(), "nothing fitted: {refusal}");
    assert_eq!(
        refusal["errors"][0]["extensions"]["code"], "UNAVAILABLE",
        "{refusal}"
    );
    let head = acknowledged.last().unwrap().1;
    let (position, _) = client.read(&server);
    assert_eq!(position, head);
    for n in 0..3 {
        client.refused(&server, 10_000 + n, 15_000);
        assert_eq!(client.read(&server).0, head);
    }

    // Room again: lift the limit of the running server where prlimit is
    // at hand, else start it again without one.
    let lifted = Command::new("prlimit")
        .args(["--pid", &server.pid().to_string(), "--fsize=unlimited"])
        .status()
        .is_ok_and(|s| s.success());
    let server = if lifted {
        server
    } else {
        skipped(
            "lifting the file size limit of a running server (restarted instead)",
            "prlimit is not available or may not change it",
        );
        server.kill();
        Server::start(&db.path)
    };
    let (last, position) = client.accepted(&server, 20_000, 100);
    assert_eq!(position, head + 1);
    server.kill();
    let store = db.open();
    let present = integrity::events_by_command(&store);
    for (id, position) in acknowledged.iter().chain([&(last, position)]) {
        assert_eq!(present.get(&id.to_string()), Some(&vec![*position]));
    }
    assert_eq!(integrity::assert_intact(&store, "room again"), head + 1);
}
