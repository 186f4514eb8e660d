package sqlstore

import (
	"fmt"
	"strings"
)

// Draw asks a gapless series for N numbers: entry numbers per fiscal year
// ("entry", the year), entry ids ("entry_id", 0), invoice and credit note
// numbers ("invoice", "credit_note", the fiscal year), event sequences
// ("event", 0). N 0 takes no number: it makes sure the row exists and
// locks it.
type Draw struct {
	Series string
	Year   int
	N      int64
}

// counterSQL is the one statement behind every gapless series (law 3): it
// adds each draw's N to its counter row, creating the row at N, and returns
// (series, year, value) per row. The rows stay locked until the
// transaction ends, so concurrent draws of an entity queue, and a rolled-back
// draw gives its numbers back: no gaps and no duplicates, which a SEQUENCE
// cannot promise. Rows are locked in the order of draws, so callers draw in
// one fixed order ("entry" before "entry_id", as post_entry() does; "event"
// last of all).
func counterSQL(entityID int64, draws ...Draw) (string, []any) {
	var sb strings.Builder
	args := make([]any, 0, 4*len(draws))
	sb.WriteString(`INSERT INTO counters (entity_id, series, year, value) VALUES `)
	for i, d := range draws {
		if i > 0 {
			sb.WriteString(", ")
		}
		args = append(args, entityID, d.Series, d.Year, d.N)
		sb.WriteString("(?, ?, ?, ?)")
	}
	sb.WriteString(` ON CONFLICT (entity_id, series, year) DO UPDATE SET value = counters.value + excluded.value RETURNING series, year, value`)
	return sb.String(), args
}

// drawn is a counter row's value after a draw.
type drawn struct {
	Series string
	Year   int
	Value  int64
}

// lastDrawn matches the rows counterSQL returned to the draws, in the draws'
// order: the last number each draw took (its numbers are Last-N+1..Last).
func lastDrawn(draws []Draw, rows []drawn) ([]int64, error) {
	out := make([]int64, len(draws))
	for i, d := range draws {
		found := false
		for _, r := range rows {
			if r.Series == d.Series && r.Year == d.Year {
				out[i], found = r.Value, true
			}
		}
		if !found || out[i] < d.N {
			return nil, fmt.Errorf("counter draw %s/%d: the database returned %v", d.Series, d.Year, rows)
		}
	}
	return out, nil
}

// DrawNumbers draws from an entity's gapless series in the unit of work
// and returns the last number of each draw, in the draws' order.
func (tx *Tx) DrawNumbers(entityID int64, draws ...Draw) ([]int64, error) {
	q, args := counterSQL(entityID, draws...)
	var rows []drawn
	if err := tx.g.Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	return lastDrawn(draws, rows)
}
