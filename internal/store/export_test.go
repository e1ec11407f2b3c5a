package store

import "context"

// RawExec lets tests tamper with rows behind the store's back.
func (db *DB) RawExec(ctx context.Context, q string, args ...any) error {
	_, err := db.exec(ctx, q, args...)
	return err
}

// RawString reads one string column, for checking what is stored.
func (db *DB) RawString(ctx context.Context, q string, args ...any) (string, error) {
	var s string
	err := db.queryRow(ctx, q, args...).Scan(&s)
	return s, err
}

func (db *DB) Rebind(q string) string { return db.rebind(q) }
