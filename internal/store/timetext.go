package store

import "time"

// parseStoredTime reads the forms SQLite holds times in, "2006-01-02",
// "2006-01-02 15:04:05" and "2006-01-02 15:04:05.999999999-07:00" (or
// RFC 3339's "2006-01-02T15:04:05Z"), without time.Parse: reports that read hundreds of
// thousands of times spent a quarter of their time in it. It returns false
// for anything else, which the caller then parses the slow way.
func parseStoredTime[T string | []byte](s T) (time.Time, bool) {
	n := len(s)
	if n < 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	year, ok1 := digits(s[0:4])
	month, ok2 := digits(s[5:7])
	dom, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 || month < 1 || month > 12 || dom < 1 || dom > daysIn(time.Month(month), year) {
		return time.Time{}, false
	}
	if n == 10 {
		return time.Date(year, time.Month(month), dom, 0, 0, 0, 0, time.UTC), true
	}
	if n < 19 || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	hour, ok1 := digits(s[11:13])
	minute, ok2 := digits(s[14:16])
	sec, ok3 := digits(s[17:19])
	if !ok1 || !ok2 || !ok3 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	i, nsec := 19, 0
	if i < n && s[i] == '.' {
		j := i + 1
		for j < n && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == i+1 || j-i-1 > 9 {
			return time.Time{}, false
		}
		f, _ := digits(s[i+1 : j])
		for k := j - i - 1; k < 9; k++ {
			f *= 10
		}
		i, nsec = j, f
	}
	// As time.Parse's layouts have it: "T" comes with a zone ("Z" or an
	// offset), a space with an offset or none.
	offset, t := 0, s[10] == 'T'
	switch {
	case i == n:
		if t {
			return time.Time{}, false
		}
	case s[i] == 'Z' && i+1 == n && t:
	case (s[i] == '+' || s[i] == '-') && i+6 == n && s[i+3] == ':':
		oh, ok1 := digits(s[i+1 : i+3])
		om, ok2 := digits(s[i+4 : i+6])
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return time.Time{}, false
		}
		offset = oh*3600 + om*60
		if s[i] == '-' {
			offset = -offset
		}
	default:
		return time.Time{}, false
	}
	at := time.Date(year, time.Month(month), dom, hour, minute, sec, nsec, time.UTC)
	return at.Add(-time.Duration(offset) * time.Second), true
}

// digits reads a run of ASCII digits.
func digits[T string | []byte](s T) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
