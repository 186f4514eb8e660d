package ledger

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"backoffice/ledger/quote"
)

// Date is a calendar date without a time or zone: an entry's date in its
// entity's time zone. It is stored as DATE (PostgreSQL) or 'YYYY-MM-DD' TEXT
// (SQLite) and written in JSON as "2026-03-31".
type Date struct {
	t time.Time // always midnight UTC; the zero value is "no date"
}

const dateLayout = "2006-01-02"

// NewDate returns the date y-m-d; out-of-range parts normalise like time.Date.
func NewDate(y int, m time.Month, d int) Date {
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// MinYear and MaxYear bound every date the service takes: entry dates,
// invoice, credit note, payment and order dates, lock dates, report
// periods, statement lines. One range for all of them, so that a date
// accepted on a draft is also accepted when the draft is issued. The last
// year is 9998 so that a date plus a year (the due date after at most 365
// days of payment terms, the end of a fiscal year starting in it) is
// still a date of four digits.
const (
	MinYear = 1900
	MaxYear = 9998
)

var errDateLength = errors.New("not 10 characters")

// ParseDate reads "YYYY-MM-DD" and nothing else, in the years MinYear to
// MaxYear (a caller adds the problem with reason "date_invalid").
func ParseDate(s string) (Date, error) {
	// A text of another length is refused without time.Parse, whose error
	// holds a quoted copy of it (two bytes a byte of a long text).
	t, err := time.Time{}, errDateLength
	if len(s) == len(dateLayout) {
		t, err = time.Parse(dateLayout, s)
	}
	if err != nil {
		return Date{}, fmt.Errorf("%s is not a date in the form YYYY-MM-DD", quote.Value(s))
	}
	d := Date{t}
	if err := d.CheckRange(); err != nil {
		return Date{}, err
	}
	return d, nil
}

// CheckRange refuses a date outside the years MinYear to MaxYear with the
// message ParseDate gives, for dates that were not parsed just now (a
// draft's date stored before, today).
func (d Date) CheckRange() error {
	if y := d.Year(); y < MinYear || y > MaxYear {
		return fmt.Errorf("%q is outside the years %d to %d", d.String(), MinYear, MaxYear)
	}
	return nil
}

// Today is the current date in loc.
func Today(loc *time.Location) Date {
	y, m, d := time.Now().In(loc).Date()
	return NewDate(y, m, d)
}

func (d Date) IsZero() bool                 { return d.t.IsZero() }
func (d Date) String() string               { return d.t.Format(dateLayout) }
func (d Date) Time() time.Time              { return d.t } // midnight UTC, as pgx writes a DATE
func (d Date) Year() int                    { return d.t.Year() }
func (d Date) Month() time.Month            { return d.t.Month() }
func (d Date) Day() int                     { return d.t.Day() }
func (d Date) Before(o Date) bool           { return d.t.Before(o.t) }
func (d Date) After(o Date) bool            { return d.t.After(o.t) }
func (d Date) AddDays(n int) Date           { return Date{d.t.AddDate(0, 0, n)} }
func (d Date) FirstOfMonth() Date           { return NewDate(d.Year(), d.Month(), 1) }
func (d Date) Compare(o Date) int           { return d.t.Compare(o.t) }
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// FiscalYear is the fiscal year the date falls in for a year starting in
// startMonth, named by the calendar year in which it starts: with a July
// start, 2027-03-31 is in fiscal year 2026.
func (d Date) FiscalYear(startMonth int) int {
	if int(d.Month()) >= startMonth {
		return d.Year()
	}
	return d.Year() - 1
}

// Value stores the date as text, which both databases read as a date.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a DATE (time.Time from pgx) or TEXT (SQLite).
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		*d = NewDate(v.Year(), v.Month(), v.Day())
		return nil
	case string:
		return d.scanText(v)
	case []byte:
		return d.scanText(string(v))
	}
	return fmt.Errorf("cannot scan %T into a date", src)
}

func (d *Date) scanText(s string) error {
	if len(s) > 10 { // a driver may add a time part to a date
		s = s[:10]
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return err
	}
	*d = Date{t}
	return nil
}
