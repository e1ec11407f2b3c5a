package timeline

import "testing"

func TestAgeString(t *testing.T) {
	tests := []struct {
		dob, today, want string
	}{
		{"2027-05-03", "2027-05-02", "not born yet"},
		{"2027-05-03", "2027-05-03", "born today"},
		{"2027-05-03", "2027-05-04", "1 day"},
		{"2027-05-03", "2027-05-09", "6 days"},
		{"2027-05-03", "2027-05-10", "1 week"},
		{"2027-05-03", "2027-05-24", "3 weeks"},
		{"2027-05-03", "2027-08-02", "13 weeks"}, // 91 days, a day short of 3 months
		{"2027-05-03", "2027-08-03", "3 months"},
		{"2027-05-03", "2027-10-03", "5 months"},
		{"2027-05-03", "2027-10-02", "4 months"},
		{"2027-05-03", "2028-05-02", "11 months"},
		{"2027-05-03", "2028-05-03", "1 year"},
		{"2027-05-03", "2028-06-03", "1 year 1 month"},
		{"2027-05-03", "2028-07-10", "1 year 2 months"},
		{"2027-05-03", "2029-05-03", "2 years"},
		{"2027-05-03", "2029-06-03", "2 years 1 month"},
		{"2027-01-31", "2027-04-29", "12 weeks"},
		{"2027-01-31", "2027-04-30", "3 months"}, // clamped month end, as DateAtMonths
		{"2027-08-31", "2028-02-29", "6 months"},
		{"2028-02-29", "2029-02-28", "11 months"},
		{"2028-02-29", "2029-03-01", "1 year"}, // the UK birthday rule
		{"2028-02-29", "2032-02-29", "4 years"},
		{"2027-12-31", "2028-01-30", "4 weeks"},
	}
	for _, tt := range tests {
		if got := AgeString(d(tt.dob), d(tt.today)); got != tt.want {
			t.Errorf("AgeString(%s, %s) = %q, want %q", tt.dob, tt.today, got, tt.want)
		}
	}
}

func TestWholeMonthsAgreesWithDateAtMonths(t *testing.T) {
	// For every day of a leap year and beyond, the age in months turns over
	// exactly on DateAtMonths, so the family page and milestones agree.
	for _, dob := range []string{"2028-01-31", "2028-02-29", "2027-08-31", "2027-05-03"} {
		born := d(dob)
		for n := 0; n <= 30; n++ {
			on := DateAtMonths(born, n)
			if got := wholeMonths(born, on); got != n {
				t.Errorf("born %s: wholeMonths on %s = %d, want %d", dob, show(on), got, n)
			}
			if n > 0 {
				if got := wholeMonths(born, on.AddDate(0, 0, -1)); got != n-1 {
					t.Errorf("born %s: wholeMonths the day before %s = %d, want %d", dob, show(on), got, n-1)
				}
			}
		}
	}
}
