package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
)

// auditQueue group-commits the audit entries of reads (View). A page view
// changes nothing but the audit log, yet every view must be on the log
// before the page is sent. Writing each view's entry in its own
// transaction would make every page view wait its turn for the one writer
// and an fsync; instead one goroutine writes whatever entries have queued
// up in one transaction, and every request whose entries it held is told
// when they are durable (or that they failed, and then the request fails:
// nothing is shown that is not on the log).
type auditQueue struct {
	in      chan *auditBatch
	stop    chan struct{}
	stopped chan struct{}
	once    sync.Once
	// viewing counts views whose read has begun and whose entries are not
	// yet queued: while there are some, the writer waits a little for them
	// (see siblingWait).
	viewing atomic.Int64
	wait    time.Duration
}

// auditBatch is one request's entries, and where it hears the outcome.
type auditBatch struct {
	entries []audit.Entry
	done    chan error
}

// maxAuditBatch bounds one transaction: enough to amortise the commit over
// a busy server's views, small enough that a batch commits quickly.
const maxAuditBatch = 256

// siblingWait is how long the writer waits for views still reading before
// it commits a batch, as PostgreSQL's commit_delay does when other
// transactions are active. Each commit is an fsync and, in SQLite's WAL
// mode, empties every other connection's page cache, so fewer, larger
// commits leave more CPU for pages; a view's entries wait at most this
// long more, and not at all when no other view is under way.
const siblingWait = time.Millisecond

// errClosed is returned for views audited after Close.
var errClosed = errors.New("store: the database is closed")

func newAuditQueue(db *DB) *auditQueue {
	q := &auditQueue{in: make(chan *auditBatch, maxAuditBatch), stop: make(chan struct{}), stopped: make(chan struct{}), wait: siblingWait}
	go q.run(db)
	return q
}

// append queues entries and waits until they are committed.
func (q *auditQueue) append(ctx context.Context, entries []audit.Entry) error {
	b := &auditBatch{entries: entries, done: make(chan error, 1)}
	select {
	case <-q.stop:
		return errClosed
	default:
	}
	select {
	case q.in <- b:
	case <-q.stop:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued the entries will be written even if the request goes
	// away: the log then says a page was viewed that may not have
	// arrived, which is the safe way round.
	select {
	case err := <-b.done:
		return err
	case <-q.stopped:
		// Queued as Close stopped the writer: written, or not at all.
		select {
		case err := <-b.done:
			return err
		default:
			return errClosed
		}
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (q *auditQueue) run(db *DB) {
	defer close(q.stopped)
	for {
		var first *auditBatch
		select {
		case first = <-q.in:
		case <-q.stop:
			// Answer anything queued before Close.
			for {
				select {
				case b := <-q.in:
					b.done <- errClosed
				default:
					return
				}
			}
		}
		batch := []*auditBatch{first}
		n := len(first.entries)
	more:
		for n < maxAuditBatch {
			select {
			case b := <-q.in:
				batch = append(batch, b)
				n += len(b.entries)
			default:
				break more
			}
		}
		batch = q.gatherSiblings(batch, n)
		err := db.writeAudit(batch)
		for _, b := range batch {
			b.done <- err
		}
	}
}

// gatherSiblings adds to the batch (of n entries) the entries of views
// under way as they are queued, until none is under way, the batch is
// full, or siblingWait has passed.
func (q *auditQueue) gatherSiblings(batch []*auditBatch, n int) []*auditBatch {
	if q.viewing.Load() == 0 || n >= maxAuditBatch {
		return batch
	}
	timer := time.NewTimer(q.wait)
	defer timer.Stop()
	for q.viewing.Load() > 0 && n < maxAuditBatch {
		select {
		case b := <-q.in:
			batch = append(batch, b)
			n += len(b.entries)
		case <-timer.C:
			return batch
		case <-q.stop:
			return batch
		}
	}
	return batch
}

// close stops the writer after the batch it is writing.
func (q *auditQueue) close() {
	q.once.Do(func() { close(q.stop) })
	<-q.stopped
}

// writeAudit chains and commits the entries of a batch in one transaction.
// It does not use the requests' contexts: one request going away must not
// lose the others' entries.
func (db *DB) writeAudit(batch []*auditBatch) error {
	ctx := context.Background()
	sqlTx, err := db.beginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("beginning the audit transaction: %w", err)
	}
	defer sqlTx.Rollback()
	tx := &Tx{db: db, tx: sqlTx, ctx: ctx}
	for _, b := range batch {
		tx.pending = append(tx.pending, b.entries...)
	}
	if err := tx.flushAudit(); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("committing audit entries: %w", err)
	}
	return nil
}

// View runs fn in a read-only transaction (one consistent snapshot, beside
// other readers and the writer) and then waits until the audit entries fn
// queued are committed. fn must queue at least one: a read of personal
// data that is not on the audit log is refused, as in Update. A write in
// fn fails.
func (db *DB) View(ctx context.Context, fn func(tx *Tx) error) error {
	// Under way until just before its entries are queued (counted down
	// first, so the writer never waits for a view already in its batch).
	db.audits.viewing.Add(1)
	underWay := true
	defer func() {
		if underWay {
			db.audits.viewing.Add(-1)
		}
	}()
	tx, err := db.beginView(ctx)
	if err != nil {
		return err
	}
	defer tx.tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if len(tx.pending) == 0 {
		return ErrNotAudited
	}
	// End the snapshot before waiting for the log, so the wait holds no
	// connection.
	if err := tx.tx.Commit(); err != nil {
		return fmt.Errorf("ending read transaction: %w", err)
	}
	underWay = false
	db.audits.viewing.Add(-1)
	return db.audits.append(ctx, tx.pending)
}

// decideOnly runs fn, which reads a record only to put it to the policy
// and returns nothing of it but the answer, in a read-only transaction
// that is not put on the audit log: nothing personal leaves it (as with
// FamilyTarget), and the change asked about is audited when it is made.
func (db *DB) decideOnly(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := db.beginView(ctx)
	if err != nil {
		return err
	}
	defer tx.tx.Rollback()
	return fn(tx)
}

// beginView begins a read-only transaction on one snapshot (View's and
// decideOnly's); the caller ends it.
func (db *DB) beginView(ctx context.Context) (*Tx, error) {
	sqlTx, err := db.beginTx(ctx, db.snapshotOptions())
	if err != nil {
		return nil, fmt.Errorf("beginning read transaction: %w", err)
	}
	return &Tx{db: db, tx: sqlTx, ctx: ctx, now: db.Now().Truncate(time.Microsecond), source: audit.SourceFrom(ctx), readOnly: true}, nil
}

// snapshotOptions begin a read-only transaction that reads one snapshot
// throughout. SQLite's transactions always do; PostgreSQL's default, READ
// COMMITTED, takes a new snapshot for every statement, so a page's later
// reads could see a write its first read (the policy's decision) did not.
// A read-only REPEATABLE READ transaction never fails to serialise.
func (db *DB) snapshotOptions() *sql.TxOptions {
	opts := &sql.TxOptions{ReadOnly: true}
	if db.dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	return opts
}
