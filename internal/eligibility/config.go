package eligibility

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

// Defaults used when a config file leaves a number out. They follow the
// seed's wording and the Domestic Abuse Act 2021.
const (
	DefaultStartWeeks       = 28 // the programme starts from 28+0 weeks
	DefaultLatestWeeks      = 42 // a referral is eligible up to 42+0 weeks, that is, until the birth
	DefaultMinParentAge     = 16 // the Act covers people aged 16 or over
	DefaultMaxEDDAheadWeeks = 42 // a due date further ahead is a typing mistake
)

// defaultJSON holds the five funded areas and the remote offer. It is a
// string, not a []byte, so that nothing can change it.
//
// The postcode lists are approximate, good enough to screen a referral, not
// to draw a boundary; a manager decides the edge cases. Postcode districts
// cross council boundaries: FY5–FY8 are partly Wyre and Fylde, SG8 is partly
// Cambridgeshire, LU7 partly Buckinghamshire, CM22 partly Essex; in London,
// W10 and W14 are shared with Hammersmith and Fulham and SW1 with Kensington
// and Chelsea. EN9 (Waltham Abbey, Essex) is left out on purpose; HP23
// (Tring, Dacorum) is added. SG15–SG19 are Bedfordshire and win over the
// "SG" area prefix because the most specific entry wins.
//
//go:embed default.json
var defaultJSON string

// Config holds the eligibility rules an organisation may change. Build one
// with DefaultConfig or ParseConfig; a zero Config has a zero gestation
// window and is not useful.
type Config struct {
	Areas            []Area `json:"areas"`               // funded areas, each with a local team
	Remote           *Area  `json:"remote"`              // the remote "Connect" offer where there is no local team; nil means none
	StartWeeks       int    `json:"start_weeks"`         // the programme starts at this gestation (weeks+0)
	LatestWeeks      int    `json:"latest_weeks"`        // a referral is eligible up to this gestation (weeks+0)
	MinParentAge     int    `json:"min_parent_age"`      // both parents must be at least this old on the referral date
	MaxEDDAheadWeeks int    `json:"max_edd_ahead_weeks"` // a due date further ahead than this is a mistake
}

// Area is a funded area: the names and postcodes that place a family in it.
type Area struct {
	Name             string   `json:"name"`
	LocalAuthorities []string `json:"local_authorities"`
	// PostcodeDistricts are outward codes such as "FY1" or "W1A", or a
	// postcode area such as "SG" meaning every SG district. The most specific
	// entry wins, so "SG15" in one area overrides "SG" in another.
	PostcodeDistricts []string `json:"postcode_districts"`
}

// ConfigError names the config field that is wrong and why.
type ConfigError struct {
	Field   string // e.g. "areas[2].postcode_districts[0]"
	Problem string
}

func (e *ConfigError) Error() string {
	return "eligibility config: " + e.Field + ": " + e.Problem
}

// DefaultConfig returns the seed programme's rules, parsed from the embedded
// default.json on every call so that callers cannot share and change it.
func DefaultConfig() (Config, error) {
	cfg, err := ParseConfig([]byte(defaultJSON))
	if err != nil {
		return Config{}, fmt.Errorf("eligibility: default config: %w", err)
	}
	return cfg, nil
}

// rawConfig uses pointers so that an omitted number takes its default while
// an explicit 0 is kept (and then validated).
type rawConfig struct {
	Areas            []Area `json:"areas"`
	Remote           *Area  `json:"remote"`
	StartWeeks       *int   `json:"start_weeks"`
	LatestWeeks      *int   `json:"latest_weeks"`
	MinParentAge     *int   `json:"min_parent_age"`
	MaxEDDAheadWeeks *int   `json:"max_edd_ahead_weeks"`
}

// ParseConfig parses and validates a JSON config. Unknown fields, a field
// given twice and trailing data are rejected, because a misspelt or repeated
// rule silently ignored would change who is eligible. Omitted numbers take
// the Default values.
func ParseConfig(data []byte) (Config, error) {
	if p := strictjson.Check(data); p != nil {
		return Config{}, &ConfigError{Field: p.Path(), Problem: p.Reason()}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var raw rawConfig
	if err := dec.Decode(&raw); err != nil {
		return Config{}, fmt.Errorf("eligibility config: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Config{}, errors.New("eligibility config: unexpected data after the JSON object")
	}
	cfg := Config{
		Areas:            raw.Areas,
		Remote:           raw.Remote,
		StartWeeks:       orDefault(raw.StartWeeks, DefaultStartWeeks),
		LatestWeeks:      orDefault(raw.LatestWeeks, DefaultLatestWeeks),
		MinParentAge:     orDefault(raw.MinParentAge, DefaultMinParentAge),
		MaxEDDAheadWeeks: orDefault(raw.MaxEDDAheadWeeks, DefaultMaxEDDAheadWeeks),
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

func orDefault(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

// Validate checks a config built in code the same way ParseConfig does. The
// first problem found is returned as a *ConfigError.
func (c Config) Validate() error {
	bad := func(field, format string, args ...any) error {
		return &ConfigError{Field: field, Problem: fmt.Sprintf(format, args...)}
	}
	if len(c.Areas) == 0 && c.Remote == nil {
		return bad("areas", "add at least one funded area or a remote offer")
	}
	names := map[string]bool{}
	districts := map[string]bool{}
	authorities := map[string]bool{}
	for i, a := range c.Areas {
		field := fmt.Sprintf("areas[%d]", i)
		name := strings.TrimSpace(a.Name)
		if name == "" {
			return bad(field+".name", "must not be empty")
		}
		if names[strings.ToLower(name)] {
			return bad(field+".name", "%q is used by more than one area", name)
		}
		names[strings.ToLower(name)] = true
		if len(a.PostcodeDistricts) == 0 && len(a.LocalAuthorities) == 0 {
			return bad(field, "%q needs at least one postcode district or local authority", name)
		}
		for j, d := range a.PostcodeDistricts {
			f := fmt.Sprintf("%s.postcode_districts[%d]", field, j)
			key := compactPostcode(d)
			if _, ok := parseDistrictEntry(key); !ok {
				return bad(f, "%q is not a postcode area (like \"SG\") or district (like \"FY1\")", d)
			}
			if districts[key] {
				return bad(f, "%q is listed more than once", d)
			}
			districts[key] = true
		}
		for j, la := range a.LocalAuthorities {
			f := fmt.Sprintf("%s.local_authorities[%d]", field, j)
			key := authorityKey(la)
			if key == "" {
				return bad(f, "must not be empty")
			}
			if authorities[key] {
				return bad(f, "%q is listed more than once", la)
			}
			authorities[key] = true
		}
	}
	if r := c.Remote; r != nil {
		name := strings.TrimSpace(r.Name)
		if name == "" {
			return bad("remote.name", "must not be empty")
		}
		if names[strings.ToLower(name)] {
			return bad("remote.name", "%q is also the name of a funded area", name)
		}
		// The remote offer is for anywhere without a local team; listing
		// places for it would be silently ignored, so refuse them.
		if len(r.PostcodeDistricts) > 0 {
			return bad("remote.postcode_districts", "must be empty: the remote offer covers anywhere without a local team")
		}
		if len(r.LocalAuthorities) > 0 {
			return bad("remote.local_authorities", "must be empty: the remote offer covers anywhere without a local team")
		}
	}
	if c.StartWeeks < 0 || c.StartWeeks > 42 {
		return bad("start_weeks", "must be between 0 and 42, not %d", c.StartWeeks)
	}
	if c.LatestWeeks < c.StartWeeks || c.LatestWeeks > 42 {
		return bad("latest_weeks", "must be between start_weeks (%d) and 42, not %d", c.StartWeeks, c.LatestWeeks)
	}
	if c.MinParentAge < 10 || c.MinParentAge > 30 {
		return bad("min_parent_age", "must be between 10 and 30, not %d", c.MinParentAge)
	}
	// Under 40 would refuse genuine due dates early in a pregnancy.
	if c.MaxEDDAheadWeeks < 40 || c.MaxEDDAheadWeeks > 52 {
		return bad("max_edd_ahead_weeks", "must be between 40 and 52, not %d", c.MaxEDDAheadWeeks)
	}
	return nil
}
