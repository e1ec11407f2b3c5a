package synth

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
)

//go:embed names.txt
var namesFile string

// backgrounds in names.txt, with how often a synthetic person is given
// names from each (per thousand). Caribbean family names are drawn from
// the British list: most Caribbean British surnames are.
var backgroundWeights = []struct {
	code   string
	weight int
}{{"en", 700}, {"sa", 90}, {"af", 50}, {"cb", 30}, {"ee", 60}, {"me", 30}, {"ea", 20}, {"se", 20}}

type givenName struct{ sex, name string }

// place is a real area and its postcode districts.
type place struct {
	name, authority string
	districts       []string
}

type nameLists struct {
	given     map[string][]givenName // by background
	allGiven  []givenName
	family    map[string][]string // by background
	allFamily []string
	places    []place
	streets   []string
}

// lists parses names.txt once; it is read-only afterwards.
var lists = sync.OnceValues(func() (*nameLists, error) { return parseNames(namesFile) })

func parseNames(text string) (*nameLists, error) {
	l := &nameLists{given: map[string][]givenName{}, family: map[string][]string{}}
	section := ""
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "[") {
			section = strings.Trim(line, "[]")
			continue
		}
		bad := func() error {
			return fmt.Errorf("synth: names.txt line %d: %q does not fit section [%s]", n+1, line, section)
		}
		switch section {
		case "given":
			f := strings.Fields(line)
			if len(f) != 3 || !strings.Contains("fmu", f[0]) || len(f[0]) != 1 {
				return nil, bad()
			}
			g := givenName{sex: f[0], name: f[2]}
			l.given[f[1]] = append(l.given[f[1]], g)
			l.allGiven = append(l.allGiven, g)
		case "family":
			code, name, ok := strings.Cut(line, " ")
			if !ok {
				return nil, bad()
			}
			l.family[code] = append(l.family[code], name)
			l.allFamily = append(l.allFamily, name)
		case "places":
			f := strings.Split(line, "|")
			if len(f) != 3 {
				return nil, bad()
			}
			l.places = append(l.places, place{name: strings.TrimSpace(f[0]), authority: strings.TrimSpace(f[1]), districts: strings.Fields(f[2])})
		case "streets":
			l.streets = append(l.streets, line)
		default:
			return nil, bad()
		}
	}
	for _, b := range backgroundWeights {
		if len(l.given[b.code]) == 0 {
			return nil, fmt.Errorf("synth: names.txt has no given names of background %s", b.code)
		}
	}
	if len(l.places) == 0 || len(l.streets) == 0 || len(l.allFamily) == 0 {
		return nil, fmt.Errorf("synth: names.txt lacks places, streets or family names")
	}
	return l, nil
}

// familyNames is the family-name list for a background.
func (l *nameLists) familyNames(code string) []string {
	if code == "cb" {
		code = "en"
	}
	return l.family[code]
}
