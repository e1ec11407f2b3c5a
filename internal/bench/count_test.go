package bench

import "testing"

func TestCount(t *testing.T) {
	for _, c := range []struct {
		got, want string
	}{
		{count(0), "0"}, {count(999), "999"}, {count(1000), "1,000"}, {count(1234567), "1,234,567"},
		{count(-123), "-123"}, {count(-1234), "-1,234"}, {count(uint64(12345678901)), "12,345,678,901"},
	} {
		if c.got != c.want {
			t.Errorf("count = %q, want %q", c.got, c.want)
		}
	}
}
