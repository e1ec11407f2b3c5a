package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Setting reads a setting; ok is false when it is not set.
func (db *DB) Setting(ctx context.Context, key string) (value string, ok bool, err error) {
	err = db.queryRow(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("reading setting %s: %w", key, err)
	}
	return value, true, nil
}

// SetSetting writes a setting.
func (tx *Tx) SetSetting(key, value string) error {
	if _, err := tx.exec(`DELETE FROM settings WHERE key = $1`, key); err != nil {
		return fmt.Errorf("writing setting %s: %w", key, err)
	}
	if _, err := tx.exec(`INSERT INTO settings (key, value) VALUES ($1, $2)`, key, value); err != nil {
		return fmt.Errorf("writing setting %s: %w", key, err)
	}
	tx.Audit("setting.set", "setting", 0, 0, key)
	return nil
}

// SettingDemo marks a database that holds demonstration data.
const SettingDemo = "demo_data"

// IsDemo reports whether the database holds demonstration data.
func (db *DB) IsDemo(ctx context.Context) (bool, error) {
	_, ok, err := db.Setting(ctx, SettingDemo)
	return ok, err
}
