package research

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/cradle-org/cradle/internal/export"
	"github.com/cradle-org/cradle/internal/timeline"
)

// Field describes one column of the extract.
type Field struct {
	Name        string // the CSV header
	Type        string // "string", "integer", "number" or "date"
	Description string
	Values      string // the values or format it takes
}

// column is a Field with how to read it from a Row. The extract's header,
// its rows and its dictionary all come from this one list, so they cannot
// drift apart; the instrument columns in it come from the instrument
// definitions (measureColumns).
type column struct {
	Field
	get  func(Row) string
	text bool // free-form category text: written through export.SafeText
}

const dateValues = "YYYY-MM in month mode; YYYY-MM-DD in shifted mode, every date of a family moved by the same number of days (1 to 180 either way), so intervals within a family are exact but calendar dates are not; empty if not known"

// rowColumns are the person, family, timepoint and programme columns that
// start every row.
var rowColumns = []column{
	{Field{"family", "string", "The family's pseudonym in this project.", "f- and 16 characters a-z, 2-7"},
		func(r Row) string { return r.Family }, false},
	{Field{"person", "string", "The person's pseudonym in this project: a parent or the baby. With timepoint, it identifies the row: one row per person per timepoint.", "p- (parent) or b- (baby) and 16 characters a-z, 2-7"},
		func(r Row) string { return r.Person }, false},
	{Field{"role", "string", "Whether the person is a parent or the baby.", "parent, baby"},
		func(r Row) string { return r.Role }, true},
	{Field{"experience", "string", "For a parent, whether they experience domestic abuse or use abusive behaviours, as recorded; empty for the baby.", "category key, e.g. experiences, uses, both, not_known; empty for the baby"},
		func(r Row) string { return r.Experience }, true},
	{Field{"area", "string", "The area the family lives in.", "area name"},
		func(r Row) string { return r.Area }, true},
	{Field{"referral_source", "string", "Who referred the family (category).", "category key, e.g. midwife, health_visitor, self"},
		func(r Row) string { return r.ReferralSource }, true},
	{Field{"accepted_on", "date", "When the family was accepted onto the programme.", dateValues},
		func(r Row) string { return r.AcceptedOn }, false},
	{Field{"closure_reason", "string", "Why the family's case was closed (category); empty while it is open.", "category key, or empty"},
		func(r Row) string { return r.ClosureReason }, true},
	{Field{"timepoint", "string", "The outcome-measure timepoint. A person has a row for each timepoint at which they have at least one result (results entered in error are left out); no row means no result was recorded then.", "timepoint key from the programme timeline" + timepointKeys()},
		func(r Row) string { return r.Timepoint }, true},
	{Field{"measured_on", "date", "The date of the person's latest result at this timepoint: baby_age_months, safeguarding_status, the session counts, taking_part and left_reason are given as at this date. Each instrument's own date is in its _taken_on column.", dateValues},
		func(r Row) string { return r.MeasuredOn }, false},
	{Field{"baby_age_months", "integer", "The baby's age in completed months on measured_on (on every row of the family).", "0 or more; empty if not known or measured before the birth"},
		func(r Row) string { return r.BabyAgeMonths }, false},
	{Field{"safeguarding_status", "string", "The family's safeguarding status on measured_on, from the team around the baby's status history: the latest change on or before that date.", statusKeys() + "; none if no change had been recorded by then (every family starts with none)"},
		func(r Row) string { return r.SafeguardingStatus }, false},
	{Field{"sessions_attended", "integer", "Sessions the parent attended up to and including measured_on; empty for the baby (sessions are with the parents).", "0 or more; empty for the baby"},
		func(r Row) string { return r.SessionsAttended }, false},
	{Field{"sessions_offered", "integer", "Sessions offered to the parent up to and including measured_on: attended, missed or cancelled by the parent (not those the practitioner cancelled); empty for the baby.", "0 or more; empty for the baby"},
		func(r Row) string { return r.SessionsOffered }, false},
	{Field{"taking_part", "string", "For a parent, whether they were taking part in the programme on measured_on: no if they had left it (while the other parent carried on), or were waiting to join it later, on or before that date and had not rejoined or joined by then, yes otherwise; empty for the baby. The dates a parent left and rejoined are not exported.", "yes, no; empty for the baby"},
		func(r Row) string { return r.TakingPart }, false},
	{Field{"left_reason", "string", "Why the parent had left the programme (category), when taking_part is no: the reason recorded when they left, or joining_later for a parent who had not started yet and was to join later. The dates a parent left and rejoined are not exported.", "category key (" + leavingReasonKeys() + ") when taking_part is no; empty otherwise"},
		func(r Row) string { return r.LeftReason }, true},
	{Field{"modules_started", "integer", "The modules of the programme's content on which the parent had attended at least one session by measured_on; empty for the baby. Counted against the timeline configuration given to the export (its modules and their targets): sessions on a module it does not list count in neither column.", "0 to the number of modules" + moduleCount() + "; empty for the baby"},
		func(r Row) string { return r.ModulesStarted }, false},
	{Field{"modules_reached", "integer", "The modules on which the parent had attended at least their target number of sessions by measured_on (a module with no target never counts); empty for the baby.", "0 to the number of modules" + moduleCount() + "; empty for the baby"},
		func(r Row) string { return r.ModulesReached }, false},
}

// timepointKeys lists the built-in timeline's timepoints, for the
// dictionary: an organisation's own timeline may name others.
func timepointKeys() string {
	cfg, err := timeline.DefaultConfig()
	if err != nil || len(cfg.Timepoints) == 0 {
		return ""
	}
	var keys []string
	for _, tp := range cfg.Timepoints {
		keys = append(keys, tp.Key)
	}
	return " (by default " + strings.Join(keys, ", ") + ")"
}

// moduleCount says how many modules the built-in timeline has, for the
// dictionary: an organisation's own timeline may have others.
func moduleCount() string {
	cfg, err := timeline.DefaultConfig()
	if err != nil || len(cfg.Modules) == 0 {
		return ""
	}
	return " (by default " + strconv.Itoa(len(cfg.Modules)) + ")"
}

// columns is every column of the extract, in order: the row columns, then
// each instrument's group.
var columns = sync.OnceValue(func() []column {
	out := slices.Clone(rowColumns)
	for _, mc := range measureColumns() {
		name := mc.Name
		out = append(out, column{mc.Field, func(r Row) string { return r.Measures[name] }, mc.text})
	}
	return out
})

// Dictionary describes every column of the extract, in column order.
func Dictionary() []Field {
	cols := columns()
	out := make([]Field, len(cols))
	for i, c := range cols {
		out[i] = c.Field
	}
	return out
}

// WriteCSV writes the extract as CSV: a header of the Dictionary names, then
// the rows, with CRLF line endings (RFC 4180). Unlike the spreadsheet
// exports there is no byte order mark: evaluators load the file into
// statistical software, where a BOM can end up in the first column's name.
// Text columns still pass through export.SafeText in case the file is
// opened in a spreadsheet.
func WriteCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	columns := columns()
	rec := make([]string, len(columns))
	for i, c := range columns {
		rec[i] = c.Name
	}
	if err := cw.Write(rec); err != nil {
		return fmt.Errorf("research: writing extract: %w", err)
	}
	for _, r := range rows {
		for i, c := range columns {
			rec[i] = c.get(r)
			if c.text {
				rec[i] = export.SafeText(rec[i])
			}
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("research: writing extract: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("research: writing extract: %w", err)
	}
	return nil
}

// WriteDictionaryCSV writes the data dictionary as CSV: name, type,
// description and values, one column of the extract per row.
func WriteDictionaryCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write([]string{"name", "type", "description", "values"}); err != nil {
		return fmt.Errorf("research: writing dictionary: %w", err)
	}
	for _, f := range Dictionary() {
		rec := []string{f.Name, f.Type, f.Description, f.Values}
		for i := range rec {
			rec[i] = export.SafeText(rec[i])
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("research: writing dictionary: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("research: writing dictionary: %w", err)
	}
	return nil
}
