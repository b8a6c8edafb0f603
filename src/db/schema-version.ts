/**
 * @module db/schema-version
 * The newest migration this code expects. `/readyz` compares it with the database, so a
 * process started against an un-migrated database reports not-ready instead of failing
 * on its first query. A test checks it against the files in migrations/.
 */
export const LATEST_MIGRATION = '0010_notifications'
