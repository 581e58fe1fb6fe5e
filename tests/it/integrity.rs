//! Whole-database checks after a failure: the hash chain verifies, and the
//! read models equal a rebuild from the log alone. Shared with the crash
//! test (`tests/crash_server.rs`), which includes this file.

use std::collections::BTreeMap;

use sporbar::store::SqliteStore;

/// Every row of every read model (streams, entities, facts), in key order.
pub fn read_models(store: &SqliteStore) -> Vec<String> {
    let reader = store.reader().expect("a reader");
    let mut rows = Vec::new();
    for sql in [
        "SELECT 'stream', stream_id, kind, organization_id, version FROM streams ORDER BY stream_id",
        "SELECT 'entity', entity_id, kind, organization_id, strategy_id, parent_id, created_position \
         FROM entities ORDER BY entity_id",
        "SELECT 'fact', entity_id, field, effective_at, position, value FROM facts \
         ORDER BY entity_id, field, effective_at, position",
    ] {
        let mut stmt = reader.prepare(sql).unwrap();
        let columns = stmt.column_count();
        let found = stmt
            .query_map([], |row| {
                (0..columns)
                    .map(|i| {
                        Ok(match row.get_ref(i)? {
                            rusqlite::types::ValueRef::Null => "NULL".to_owned(),
                            rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                            rusqlite::types::ValueRef::Real(x) => x.to_string(),
                            rusqlite::types::ValueRef::Text(t) => {
                                format!("'{}'", String::from_utf8_lossy(t))
                            }
                            rusqlite::types::ValueRef::Blob(b) => hex::encode(b),
                        })
                    })
                    .collect::<rusqlite::Result<Vec<_>>>()
                    .map(|values| values.join("|"))
            })
            .unwrap()
            .collect::<rusqlite::Result<Vec<String>>>()
            .unwrap();
        rows.extend(found);
    }
    rows
}

/// The chain verifies and the read models equal a rebuild from the log.
/// Returns the number of events.
pub fn assert_intact(store: &SqliteStore, when: &str) -> u64 {
    let report = store.verify().expect("the log can be read");
    assert!(
        report.problem.is_none(),
        "{when}: the chain does not verify: {:?}",
        report.problem
    );
    let before = read_models(store);
    let replayed = store.rebuild().expect("rebuild");
    assert_eq!(replayed, report.events_checked);
    let after = read_models(store);
    if before != after {
        let only_before: Vec<_> = before.iter().filter(|r| !after.contains(r)).collect();
        let only_after: Vec<_> = after.iter().filter(|r| !before.contains(r)).collect();
        panic!(
            "{when}: the read models differ from a rebuild:\nonly before: {only_before:#?}\nonly after: {only_after:#?}"
        );
    }
    report.events_checked
}

/// The positions of every command's events, by command id.
pub fn events_by_command(store: &SqliteStore) -> BTreeMap<String, Vec<u64>> {
    let reader = store.reader().expect("a reader");
    let mut stmt = reader
        .prepare("SELECT command_id, position FROM events ORDER BY position")
        .unwrap();
    let mut found: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u64>(1)?)))
        .unwrap();
    for row in rows {
        let (command, position) = row.unwrap();
        found.entry(command).or_default().push(position);
    }
    found
}
