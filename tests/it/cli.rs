//! The command line, run as the operator runs it: the real binary on a real file.

use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use sporbar::domain::GoalStatus;

use crate::support::*;

fn sporbar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sporbar"))
        .args(args)
        .output()
        .expect("sporbar runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn verify_exits_zero_on_an_intact_log_and_names_the_first_bad_position_otherwise() {
    let db = TestDb::new();
    let store = db.open();
    let s = Scenario::create(&store);
    submit(
        &store,
        "2016-12-31",
        s.assess(GoalStatus::InProgress, "årsmelding 2016"),
    )
    .unwrap();
    drop(store);
    let path = db.path.to_str().unwrap();

    let intact = sporbar(&["verify", "--db", path]);
    assert!(intact.status.success(), "{}", text(&intact.stderr));
    assert!(text(&intact.stdout).contains("intact: 6 events, head position 6"));

    let conn = db.raw();
    conn.execute_batch(
        "DROP TRIGGER events_no_update; \
         UPDATE events SET actor = 'noen andre' WHERE position = 2;",
    )
    .unwrap();
    let broken = sporbar(&["verify", "--db", path]);
    assert!(!broken.status.success());
    assert!(
        text(&broken.stderr).contains("position 2"),
        "{}",
        text(&broken.stderr)
    );
}

#[test]
fn verify_of_a_missing_database_fails_without_creating_it() {
    let db = TestDb::new();
    let out = sporbar(&["verify", "--db", db.path.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("does not exist"));
    assert!(!db.path.exists());
}

#[test]
fn events_prints_the_log_as_json_lines_filtered_by_stream_and_type() {
    let db = TestDb::new();
    let store = db.open();
    let s = Scenario::create(&store);
    submit(
        &store,
        "2016-12-31",
        s.assess(GoalStatus::InProgress, "årsmelding 2016"),
    )
    .unwrap();
    drop(store);
    let path = db.path.to_str().unwrap();

    let all = text(&sporbar(&["events", "--db", path]).stdout);
    assert_eq!(all.lines().count(), 6);
    let goal = s.goal.to_string();
    let of_goal = text(&sporbar(&["events", "--db", path, "--stream", &goal]).stdout);
    let lines: Vec<serde_json::Value> = of_goal
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["eventType"], "GoalAssessed");
    assert_eq!(lines[1]["effectiveAt"], "2016-12-31");
    assert_eq!(lines[1]["payload"]["status"], "IN_PROGRESS");
    let assessed = text(&sporbar(&["events", "--db", path, "--type", "GoalAssessed"]).stdout);
    assert_eq!(assessed.lines().count(), 1);
    let none_yet =
        text(&sporbar(&["events", "--db", path, "--until", "2000-01-01T00:00:00Z"]).stdout);
    assert_eq!(none_yet.lines().count(), 0);
}

#[test]
fn rebuild_reports_the_number_of_events_replayed() {
    let db = TestDb::new();
    Scenario::create(&db.open());
    let out = sporbar(&["rebuild", "--db", db.path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("from 5 events"));
}

#[test]
fn backup_while_another_process_writes_gives_a_copy_that_verifies() {
    let db = TestDb::new();
    let store = Arc::new(db.open());
    let s = Scenario::create(&store);
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (store, stop, goal) = (store.clone(), stop.clone(), s.goal);
        std::thread::spawn(move || {
            let mut written = 0;
            while !stop.load(Ordering::Relaxed) {
                let body = sporbar::domain::CommandBody::AssessGoal {
                    id: goal,
                    status: GoalStatus::InProgress,
                    justification: prose(&format!("oppfølging {written}")),
                };
                submit(&store, "2017-06-30", body).unwrap();
                written += 1;
            }
            written
        })
    };
    let copies: Vec<_> = (0..3)
        .map(|i| db.dir.path().join(format!("kopi-{i}.db")))
        .collect();
    for copy in &copies {
        let out = sporbar(&[
            "backup",
            "--db",
            db.path.to_str().unwrap(),
            "--to",
            copy.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    stop.store(true, Ordering::Relaxed);
    let written = writer.join().unwrap();
    assert!(written > 0);
    for copy in &copies {
        let out = sporbar(&["verify", "--db", copy.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
}

/// The README's run command: `sporbar serve --demo --public-read` on its embedded
/// default, here on a free port, serving the demo data over GraphQL until
/// it is stopped.
#[test]
fn serve_starts_on_a_free_port_logs_its_address_and_answers() {
    use std::io::{BufRead, BufReader, Read, Write};
    let db = TestDb::new();
    let mut server = Command::new(env!("CARGO_BIN_EXE_sporbar"))
        .args([
            "serve",
            "--demo",
            "--public-read",
            "--listen",
            "127.0.0.1:0",
            "--log-format",
            "json",
        ])
        .env("SPORBAR_DB", &db.path)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("server starts");
    let mut log = BufReader::new(server.stderr.take().unwrap());
    let started = std::time::Instant::now();
    let address = loop {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "no address logged"
        );
        let mut line = String::new();
        if log.read_line(&mut line).unwrap() == 0 {
            panic!("server exited before listening");
        }
        let entry: serde_json::Value = serde_json::from_str(&line).expect("JSON log line");
        if let Some(address) = entry["fields"]["address"].as_str() {
            break address.to_owned();
        }
    };
    let ask = |request: &str| {
        let mut stream = std::net::TcpStream::connect(&address).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    };
    let health = ask("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let body = r#"{"query":"{ strategies { nodes { title } } }"}"#;
    let graphql = ask(&format!(
        "POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ));
    assert!(
        graphql.contains("Regional digitaliseringsstrategi 2015"),
        "{graphql}"
    );
    assert_eq!(
        graphql.matches("\"title\"").count(),
        4,
        "the four demo strategies: {graphql}"
    );
    assert!(
        db.path.exists(),
        "the database file was created where SPORBAR_DB points"
    );
    // SIGTERM: a graceful stop with exit code 0.
    let term = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = server.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "server did not stop on SIGTERM"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
}

#[test]
fn export_writes_a_plan_file_a_report_and_a_workbook() {
    let db = TestDb::new();
    let store = db.open();
    sporbar::plan::load_demo(&store, date("2026-11-26")).unwrap();
    let reader = store.reader().unwrap();
    let everything = sporbar::read::Moment {
        as_of: u64::MAX,
        valid_at: sporbar::read::LAST_DATE,
    };
    let strategy = sporbar::read::strategy_ids(&reader, None, everything).unwrap()[0].to_string();
    let organization = sporbar::read::organization_ids(&reader, everything).unwrap()[0].to_string();
    drop(reader);
    drop(store);
    let path = db.path.to_str().unwrap();

    let plan = sporbar(&["export", "--db", path, "--organization", &organization]);
    assert!(plan.status.success(), "{}", text(&plan.stderr));
    assert!(text(&plan.stdout).contains("[[strategies.focus_areas.goals]]"));

    let report = sporbar(&[
        "export",
        "--db",
        path,
        "--strategy",
        &strategy,
        "--format",
        "markdown",
        "--year",
        "2016",
    ]);
    assert!(
        text(&report.stdout).starts_with("# Statusrapport 2016"),
        "{}",
        text(&report.stderr)
    );

    let workbook = db.dir.path().join("strategi.xlsx");
    let out = sporbar(&[
        "export",
        "--db",
        path,
        "--strategy",
        &strategy,
        "--format",
        "xlsx",
        "--to",
        workbook.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        std::fs::read(&workbook).unwrap().starts_with(b"PK"),
        "an .xlsx is a zip file"
    );

    let no_year = sporbar(&[
        "export",
        "--db",
        path,
        "--strategy",
        &strategy,
        "--format",
        "html",
    ]);
    assert!(!no_year.status.success());
    assert!(text(&no_year.stderr).contains("--year"));

    // Regression: a year outside the product's years made a report "per
    // 31.12.9999" (the year before -2147483648 wrapped round).
    let far_off = sporbar(&[
        "export",
        "--db",
        path,
        "--strategy",
        &strategy,
        "--format",
        "markdown",
        "--year=-2147483648",
    ]);
    assert!(!far_off.status.success());
    assert!(far_off.stdout.is_empty());
    assert!(
        text(&far_off.stderr).contains("--year: '-2147483648' is outside 1900..=2200"),
        "{}",
        text(&far_off.stderr)
    );
}

#[test]
fn verify_writes_a_checkpoint_and_later_proves_the_log_against_it() {
    let db = TestDb::new();
    let store = db.open();
    let s = Scenario::create(&store);
    drop(store);
    let path = db.path.to_str().unwrap();
    let kept = db.dir.path().join("checkpoint.json");
    let out = sporbar(&[
        "verify",
        "--db",
        path,
        "--checkpoint",
        kept.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let store = db.open();
    submit(
        &store,
        "2016-12-31",
        s.assess(GoalStatus::InProgress, "årsmelding 2016"),
    )
    .unwrap();
    drop(store);
    let proven = sporbar(&["verify", "--db", path, "--against", kept.to_str().unwrap()]);
    assert!(proven.status.success(), "{}", text(&proven.stderr));
    assert!(text(&proven.stdout).contains("unchanged up to the checkpoint"));

    db.raw()
        .execute_batch("DROP TRIGGER events_no_delete; DELETE FROM events WHERE position >= 5;")
        .unwrap();
    let cut = sporbar(&["verify", "--db", path, "--against", kept.to_str().unwrap()]);
    assert!(!cut.status.success());
    assert!(
        text(&cut.stderr).contains("removed from its end"),
        "{}",
        text(&cut.stderr)
    );
}

#[test]
fn token_create_shows_the_secret_once_stores_only_its_hash_and_revoke_ends_it() {
    let db = TestDb::new();
    let store = db.open();
    let s = Scenario::create(&store);
    drop(store);
    let path = db.path.to_str().unwrap();
    let organization = s.organization.0.to_string();

    let created = sporbar(&[
        "token",
        "create",
        "--db",
        path,
        "--name",
        "kari",
        "--role",
        "editor",
        "--organization",
        &organization,
    ]);
    assert!(created.status.success(), "{}", text(&created.stderr));
    let secret = text(&created.stdout).trim().to_owned();
    assert!(secret.starts_with("spb_") && secret.len() == 68, "{secret}");
    assert!(text(&created.stderr).contains("shown only now"));

    // Only the hash is in the database; the secret is nowhere in the file.
    let file = std::fs::read(&db.path).unwrap();
    assert!(
        !file.windows(secret.len()).any(|w| w == secret.as_bytes()),
        "the secret is not stored"
    );
    let identity = sporbar::access::tokens::authenticate(&db.raw(), &secret)
        .unwrap()
        .expect("the secret signs in");
    assert_eq!(identity.actor(), "token:kari");
    assert_eq!(identity.organizations, vec![s.organization]);

    let refused = [
        // An editor needs an organization, an unknown one is refused, names
        // are unique, and only editors are limited to organizations.
        vec!["--name", "per", "--role", "editor"],
        vec![
            "--name",
            "per",
            "--role",
            "editor",
            "--organization",
            "00000000-0000-0000-0000-000000000001",
        ],
        vec!["--name", "kari", "--role", "reader"],
        vec![
            "--name",
            "per",
            "--role",
            "reader",
            "--organization",
            &organization,
        ],
        vec!["--name", " ", "--role", "reader"],
    ];
    for args in refused {
        let mut all = vec!["token", "create", "--db", path];
        all.extend(args.iter().copied());
        let out = sporbar(&all);
        assert!(!out.status.success(), "{args:?} is refused");
        assert!(out.stdout.is_empty(), "no secret for {args:?}");
        assert!(
            text(&out.stderr).contains("error: "),
            "{}",
            text(&out.stderr)
        );
    }

    let list = sporbar(&["token", "list", "--db", path]);
    let listed = text(&list.stdout);
    assert!(listed.contains("\tkari\teditor\t"), "{listed}");
    assert_eq!(
        listed.lines().count(),
        2,
        "a header and one token: {listed}"
    );
    assert!(!listed.contains(&secret));

    let revoked = sporbar(&["token", "revoke", "--db", path, "kari"]);
    assert!(revoked.status.success(), "{}", text(&revoked.stderr));
    assert!(
        sporbar::access::tokens::authenticate(&db.raw(), &secret)
            .unwrap()
            .is_none()
    );
    let again = sporbar(&["token", "revoke", "--db", path, "kari"]);
    assert!(text(&again.stderr).contains("revoked already"));
    // The database refuses to reinstate a revoked token, whoever asks.
    let reinstate = db.raw().execute(
        "UPDATE tokens SET revoked_at = NULL WHERE name = 'kari'",
        [],
    );
    assert!(reinstate.is_err());
}

/// Broke: `token create --name <another token's id>` was accepted, and
/// `token revoke <that id>` then revoked whichever of the two SQLite found
/// first.
#[test]
fn token_names_are_plain_slugs_never_ids_and_revoke_takes_an_id_first() {
    let db = TestDb::new();
    drop(db.open());
    let path = db.path.to_str().unwrap();
    let create = |name: &str| {
        sporbar(&[
            "token", "create", "--db", path, "--name", name, "--role", "reader",
        ])
    };

    let kari = create("kari.nordmann");
    assert!(kari.status.success(), "{}", text(&kari.stderr));
    let secret = text(&kari.stdout).trim().to_owned();
    let listed = text(&sporbar(&["token", "list", "--db", path]).stdout);
    let id = listed
        .lines()
        .find(|l| l.contains("\tkari.nordmann\t"))
        .and_then(|l| l.split('\t').next())
        .unwrap()
        .to_owned();

    for (name, says) in [
        (
            id.clone(),
            "is not a token name".to_owned(),
        ),
        (
            format!("k{}", id.replace('-', "")),
            "could be taken for a token's id".to_owned(),
        ),
        (
            "Kari".to_owned(),
            "'Kari' is not a token name: a token name may only hold a–z, 0–9, '.', '_' and '-' and must start with a letter".to_owned(),
        ),
        (
            "kari\u{202e}nnamdron.a".to_owned(),
            "'kari\\u{202e}nnamdron.a' is not a token name".to_owned(),
        ),
    ] {
        let out = create(&name);
        assert!(!out.status.success(), "{name:?} is refused");
        assert!(out.stdout.is_empty(), "no secret for {name:?}");
        assert!(
            text(&out.stderr).contains(&says),
            "{name:?}: {}",
            text(&out.stderr)
        );
    }
    assert_eq!(
        text(&sporbar(&["token", "list", "--db", path]).stdout)
            .lines()
            .count(),
        2,
        "only kari's token was made"
    );

    let revoked = sporbar(&["token", "revoke", "--db", path, &id]);
    assert!(revoked.status.success(), "{}", text(&revoked.stderr));
    assert_eq!(text(&revoked.stdout), "token 'kari.nordmann' revoked\n");
    assert!(
        sporbar::access::tokens::authenticate(&db.raw(), &secret)
            .unwrap()
            .is_none()
    );
}

#[test]
fn restore_puts_a_verified_backup_in_place_and_keeps_what_it_replaces() {
    let db = TestDb::new();
    let store = db.open();
    let s = Scenario::create(&store);
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("backup.db");
    store.backup(&backup).unwrap();
    submit(
        &store,
        "2016-12-31",
        s.assess(GoalStatus::Achieved, "etter backup"),
    )
    .unwrap();
    drop(store);
    let head_of = |path: &std::path::Path| -> u64 {
        rusqlite::Connection::open(path)
            .unwrap()
            .query_row("SELECT max(position) FROM events", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(head_of(&db.path), 6);
    let path = db.path.to_str().unwrap();
    let backup_path = backup.to_str().unwrap();

    // An existing database is not replaced without --force.
    let refused = sporbar(&["restore", "--db", path, "--from", backup_path]);
    assert!(!refused.status.success());
    assert!(text(&refused.stderr).contains("--force"));
    assert_eq!(head_of(&db.path), 6, "untouched");

    // A backup that is not a Sporbar database is refused before anything moves.
    let garbage = dir.path().join("garbage.db");
    std::fs::write(&garbage, b"not a database at all, just bytes").unwrap();
    let bad = sporbar(&[
        "restore",
        "--db",
        path,
        "--from",
        garbage.to_str().unwrap(),
        "--force",
    ]);
    assert!(!bad.status.success());
    assert_eq!(head_of(&db.path), 6, "untouched");

    let restored = sporbar(&["restore", "--db", path, "--from", backup_path, "--force"]);
    assert!(restored.status.success(), "{}", text(&restored.stderr));
    assert!(text(&restored.stdout).contains("chain intact"));
    assert_eq!(head_of(&db.path), 5, "the backup's log");
    let verify = sporbar(&["verify", "--db", path]);
    assert!(verify.status.success(), "{}", text(&verify.stderr));

    // What was replaced is kept beside it, whole.
    let kept: Vec<_> = std::fs::read_dir(db.path.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .contains(".before-restore-")
                && !p.to_string_lossy().ends_with("-wal")
                && !p.to_string_lossy().ends_with("-shm")
        })
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(head_of(&kept[0]), 6);

    // Into a new place, no --force is needed.
    let fresh = dir.path().join("fresh.db");
    let out = sporbar(&[
        "restore",
        "--db",
        fresh.to_str().unwrap(),
        "--from",
        backup_path,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(head_of(&fresh), 5);
}

#[test]
fn a_second_writing_process_is_refused_while_one_holds_the_database() {
    let db = TestDb::new();
    let store = db.open();
    let s = Scenario::create(&store);
    drop(store);
    let path = db.path.to_str().unwrap();
    let events = |db: &TestDb| -> u64 {
        db.raw()
            .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
            .unwrap()
    };
    let before = events(&db);

    // A writing process, as `sporbar serve` opens it.
    let holder = sporbar::store::SqliteStore::open(
        &db.path,
        sporbar::store::StoreOptions {
            exclusive: true,
            ..Default::default()
        },
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("backup.db");
    holder.backup(&backup).unwrap();
    for args in [
        vec!["demo", "--db", path],
        vec!["rebuild", "--db", path],
        vec![
            "restore",
            "--db",
            path,
            "--from",
            backup.to_str().unwrap(),
            "--force",
        ],
        vec!["serve", "--db", path, "--listen", "127.0.0.1:0"],
    ] {
        let refused = sporbar(&args);
        assert!(!refused.status.success(), "{args:?} ran beside a writer");
        let message = text(&refused.stderr);
        assert!(
            message.contains(&format!(
                "another Sporbar process (pid {}) is writing to",
                std::process::id()
            )),
            "{args:?}: {message}"
        );
    }
    assert_eq!(events(&db), before, "nothing was appended");
    assert!(db.path.exists(), "nothing was moved aside");

    // Reading commands run beside the writer.
    for args in [vec!["verify", "--db", path], vec!["events", "--db", path]] {
        let read = sporbar(&args);
        assert!(read.status.success(), "{args:?}: {}", text(&read.stderr));
    }

    // The writer still works, and once it is gone the next one may write.
    submit(
        &holder,
        "2016-12-31",
        s.assess(GoalStatus::InProgress, "i gang"),
    )
    .unwrap();
    drop(holder);
    let demo = sporbar(&["demo", "--db", path]);
    assert!(demo.status.success(), "{}", text(&demo.stderr));
    assert!(events(&db) > before + 1);
}
