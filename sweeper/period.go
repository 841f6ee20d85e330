package sweeper

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Period is a retention period in calendar units. Weeks are kept as days.
// It is not a time.Duration on purpose: "1 month" before 31 March is
// 28 or 29 February, which no fixed duration expresses.
type Period struct {
	Years, Months, Days int
}

var (
	isoPeriod  = regexp.MustCompile(`^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$`)
	wordPeriod = regexp.MustCompile(`^(\d+)\s*(day|days|week|weeks|month|months|year|years)$`)
)

// maxPeriodField bounds each of Years, Months and Days after weeks are
// turned into days and repeated units ("1 year 1 year") are summed, so that
// every period ParsePeriod returns prints as one it accepts again.
const maxPeriodField = 100000

// ParsePeriod reads "6 months", "1 year", "3 weeks", "1 year 6 months"
// or an ISO 8601 date period such as "P6M", "P3W", "P1Y6M".
func ParsePeriod(s string) (Period, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return Period{}, fmt.Errorf("empty period (use e.g. \"6 months\" or \"P6M\")")
	}
	var p Period
	if strings.HasPrefix(strings.ToUpper(in), "P") {
		m := isoPeriod.FindStringSubmatch(strings.ToUpper(in))
		if m == nil || in == "P" || strings.EqualFold(in, "P") {
			return Period{}, fmt.Errorf("%q is not an ISO 8601 date period (use e.g. P6M, P3W, P1Y6M; hours and minutes are not supported)", s)
		}
		n := make([]int, 4)
		for i := range n {
			if m[i+1] == "" {
				continue
			}
			v, err := strconv.Atoi(m[i+1])
			if err != nil || v > maxPeriodField {
				return Period{}, fmt.Errorf("%q: number out of range", s)
			}
			n[i] = v
		}
		p = Period{Years: n[0], Months: n[1], Days: n[2]*7 + n[3]}
	} else {
		// "1 year 6 months", "1 year, 6 months" and "1 year and 6 months" all read the same.
		parts := strings.Fields(strings.NewReplacer(",", " ", " and ", " ").Replace(strings.ToLower(in)))
		if len(parts)%2 != 0 {
			return Period{}, fmt.Errorf("%q is not a period (use e.g. \"6 months\", \"1 year\", \"3 weeks\" or \"P6M\")", s)
		}
		for i := 0; i < len(parts); i += 2 {
			m := wordPeriod.FindStringSubmatch(parts[i] + " " + parts[i+1])
			if m == nil {
				return Period{}, fmt.Errorf("%q is not a period (use e.g. \"6 months\", \"1 year\", \"3 weeks\" or \"P6M\")", s)
			}
			v, err := strconv.Atoi(m[1])
			if err != nil || v > maxPeriodField {
				return Period{}, fmt.Errorf("%q: number out of range", s)
			}
			switch strings.TrimSuffix(m[2], "s") {
			case "day":
				p.Days += v
			case "week":
				p.Days += 7 * v
			case "month":
				p.Months += v
			case "year":
				p.Years += v
			}
			if p.Years > maxPeriodField || p.Months > maxPeriodField || p.Days > maxPeriodField {
				return Period{}, fmt.Errorf("%q: number out of range", s)
			}
		}
	}
	if p.Days > maxPeriodField {
		return Period{}, fmt.Errorf("%q: number out of range", s)
	}
	if p.IsZero() {
		return Period{}, fmt.Errorf("%q is zero: a retention period must be longer than nothing", s)
	}
	return p, nil
}

// IsZero reports whether the period is empty.
func (p Period) IsZero() bool { return p.Years == 0 && p.Months == 0 && p.Days == 0 }

// String writes the period the way a person reads it: "1 year 6 months".
func (p Period) String() string {
	var parts []string
	add := func(n int, unit string) {
		if n == 0 {
			return
		}
		if n != 1 {
			unit += "s"
		}
		parts = append(parts, fmt.Sprintf("%d %s", n, unit))
	}
	add(p.Years, "year")
	add(p.Months, "month")
	add(p.Days, "day")
	if len(parts) == 0 {
		return "0 days"
	}
	return strings.Join(parts, " ")
}

// Before returns t minus p by calendar arithmetic in t's location: years and
// months first, with the day clamped to the end of the month (31 March minus
// one month is 28 or 29 February; 29 February minus one year is 28 February),
// then days, keeping the wall-clock time.
func (p Period) Before(t time.Time) time.Time {
	return p.shift(t, -1)
}

// After returns t plus p by the same calendar arithmetic as Before.
func (p Period) After(t time.Time) time.Time {
	return p.shift(t, 1)
}

func (p Period) shift(t time.Time, sign int) time.Time {
	y, m, d := t.Date()
	hh, mm, ss := t.Clock()
	months := int(m) - 1 + sign*(p.Years*12+p.Months)
	y += months / 12
	months %= 12
	if months < 0 {
		months += 12
		y--
	}
	month := time.Month(months + 1)
	if last := daysIn(y, month); d > last {
		d = last
	}
	return time.Date(y, month, d+sign*p.Days, hh, mm, ss, t.Nanosecond(), t.Location())
}

func daysIn(year int, m time.Month) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
