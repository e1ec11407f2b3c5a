package safeguarding

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/cradle-org/cradle/internal/strictjson"
)

// bankHolidaysJSON lists bank holidays in England and Wales for 2025 to
// 2028, written from the rules (New Year's Day, Good Friday, Easter Monday,
// the first and last Mondays in May, the last Monday in August, Christmas
// Day and Boxing Day, with substitute weekdays) and checked against
// https://www.gov.uk/bank-holidays. No one-off bank holiday is known for
// these years. Operators must update the file every year and rebuild.
//
// It uses the shape of the GOV.UK feed (https://www.gov.uk/bank-holidays.json)
// so that a downloaded copy can replace it as it is. It is a string, not a
// []byte, so that nothing can change it.
//
//go:embed bank-holidays.json
var bankHolidaysJSON string

// bankHolidayDivision is the GOV.UK division this service works in.
const bankHolidayDivision = "england-and-wales"

// bankHoliday is one event in the GOV.UK feed.
type bankHoliday struct {
	Title   string `json:"title"`
	Date    string `json:"date"`
	Notes   string `json:"notes"`
	Bunting bool   `json:"bunting"`
}

// parseBankHolidays reads the England and Wales events from GOV.UK-shaped
// JSON. The other divisions in the real feed and a "_note" key are allowed
// and ignored; anything else is refused, so that a typo cannot silently
// drop every holiday.
func parseBankHolidays(data []byte) ([]bankHoliday, error) {
	if p := strictjson.Check(data); p != nil {
		return nil, fmt.Errorf("bank holidays: %s %s", p.Path(), p.Reason())
	}
	var top map[string]json.RawMessage
	if err := strictDecode(data, &top); err != nil {
		return nil, fmt.Errorf("bank holidays: %w", err)
	}
	for k := range top {
		switch k {
		case bankHolidayDivision, "scotland", "northern-ireland", "_note":
		default:
			return nil, fmt.Errorf("bank holidays: unknown key %q", k)
		}
	}
	raw, ok := top[bankHolidayDivision]
	if !ok {
		return nil, fmt.Errorf("bank holidays: no %q division", bankHolidayDivision)
	}
	var div struct {
		Division string        `json:"division"`
		Events   []bankHoliday `json:"events"`
	}
	if err := strictDecode(raw, &div); err != nil {
		return nil, fmt.Errorf("bank holidays: %s: %w", bankHolidayDivision, err)
	}
	if div.Division != bankHolidayDivision {
		return nil, fmt.Errorf("bank holidays: division is %q, want %q", div.Division, bankHolidayDivision)
	}
	if len(div.Events) == 0 {
		return nil, errors.New("bank holidays: no events")
	}
	seen := map[string]bool{}
	for i, e := range div.Events {
		if strings.TrimSpace(e.Title) == "" {
			return nil, fmt.Errorf("bank holidays: events[%d]: no title", i)
		}
		if !validDate(e.Date) {
			return nil, fmt.Errorf("bank holidays: events[%d]: %q is not a date like 2026-12-25", i, e.Date)
		}
		if seen[e.Date] {
			return nil, fmt.Errorf("bank holidays: events[%d]: %s is listed more than once", i, e.Date)
		}
		seen[e.Date] = true
	}
	return div.Events, nil
}

// strictDecode decodes one JSON value, refusing unknown fields and trailing
// data: a misspelt setting silently ignored would move decision deadlines.
func strictDecode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}
