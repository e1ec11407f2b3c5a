package store

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// stmtCache keeps prepared statements by their SQL text for SQLite, so each
// hot query is parsed once per connection rather than on every call: under
// load, parsing was about 7% of all CPU (BENCHMARKS.md). PostgreSQL needs no
// cache here: pgx keeps its own per connection.
//
// The cache only grows, up to stmtCacheMax statements; after that, new texts
// run unprepared. Statements with long IN lists (whose text changes with the
// list's length) are never kept, so they cannot crowd out the fixed ones.
type stmtCache struct {
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

const (
	stmtCacheMax       = 512
	stmtCacheMaxParams = 24
)

// prepared returns the cached statement for q (written with $n
// placeholders), preparing it on first use, or nil when q is not to be
// cached; text is q in the database's own placeholder form either way.
func (db *DB) prepared(ctx context.Context, q string) (stmt *sql.Stmt, text string) {
	c := db.stmts
	if c == nil {
		return nil, db.rebind(q)
	}
	c.mu.RLock()
	st, ok := c.m[q]
	full := len(c.m) >= stmtCacheMax
	c.mu.RUnlock()
	if ok {
		return st, ""
	}
	text = db.rebind(q)
	if full || strings.Count(q, "$")+strings.Count(q, "?") > stmtCacheMaxParams {
		return nil, text
	}
	// A statement that fails to prepare is run unprepared, so that its
	// caller sees the database's own error in the usual place.
	st, err := db.sql.PrepareContext(context.WithoutCancel(ctx), text)
	if err != nil {
		return nil, text
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.m[q]; ok {
		st.Close() // #nosec G104 -- another request prepared it first; this copy was never used
		return prev, ""
	}
	if len(c.m) >= stmtCacheMax {
		st.Close() // #nosec G104 -- never used
		return nil, text
	}
	c.m[q] = st
	return st, ""
}

func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, st := range c.m {
		st.Close() // #nosec G104 -- closing the pool reports the error that matters
		delete(c.m, k)
	}
}

// querier runs SQL through the statement cache, on the transaction if
// there is one, else on the pool. It satisfies rowQuerier.
type querier struct {
	db *DB
	tx *sql.Tx
}

// stmt is the cached statement for text, bound to the transaction if
// there is one, or nil (with text in the database's own form) when text is
// not to be cached.
func (q querier) stmt(ctx context.Context, text string) (*sql.Stmt, string) {
	q.db.work.statements.Add(1)
	if q.tx == nil {
		q.db.work.alone.Add(1)
	}
	st, t := q.db.prepared(ctx, text)
	if st != nil && q.tx != nil {
		st = q.tx.StmtContext(ctx, st)
	}
	return st, t
}

func (q querier) QueryContext(ctx context.Context, text string, args ...any) (*sql.Rows, error) {
	st, t := q.stmt(ctx, text)
	switch {
	case st != nil:
		return st.QueryContext(ctx, args...)
	case q.tx != nil:
		return q.tx.QueryContext(ctx, t, args...)
	}
	return q.db.sql.QueryContext(ctx, t, args...)
}

func (q querier) QueryRowContext(ctx context.Context, text string, args ...any) *sql.Row {
	st, t := q.stmt(ctx, text)
	switch {
	case st != nil:
		return st.QueryRowContext(ctx, args...)
	case q.tx != nil:
		return q.tx.QueryRowContext(ctx, t, args...)
	}
	return q.db.sql.QueryRowContext(ctx, t, args...)
}

func (q querier) ExecContext(ctx context.Context, text string, args ...any) (sql.Result, error) {
	st, t := q.stmt(ctx, text)
	switch {
	case st != nil:
		return st.ExecContext(ctx, args...)
	case q.tx != nil:
		return q.tx.ExecContext(ctx, t, args...)
	}
	return q.db.sql.ExecContext(ctx, t, args...)
}

// q is the pool through the statement cache.
func (db *DB) q() querier { return querier{db: db} }

// q is the transaction through the statement cache.
func (tx *Tx) q() querier { return querier{db: tx.db, tx: tx.tx} }
