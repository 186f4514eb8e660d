package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"backoffice/ledger/bank"
)

// bankLoad is loadtest --mode bank: each entity gets bank account 1000
// and an opening entry; clients then, week after week, post the entries
// of the coming week on the bank account, import the bank's camt.053
// statement of that week (one line per entry, plus a bank fee the books
// do not have), let the automatic matcher match it on import, and book the
// fee from its statement line. At the end every bank account must
// reconcile to zero with nothing outstanding.
type bankLoad struct {
	*loadRun
	prefix   string
	ents     []*bankEntity
	total    int // statement lines in all
	deadline time.Time

	next                        atomic.Int64 // statement lines claimed
	statements, lines, entries  atomic.Int64
	autoLines, autoMatches, fee atomic.Int64
	importLat, feeLat, postLat  [][]time.Duration // per client
}

// bankEntity is one entity's bank account and its statement chain.
// Statements must be imported in order: a client claims the next week
// under mu, posts its entries, then waits for the previous week's import
// (its done channel) before importing its own.
type bankEntity struct {
	base, bank string // entity URL, bank account URL
	iban       string

	mu      sync.Mutex
	weeks   int           // weeks claimed
	last    chan struct{} // closed when the last claimed week is imported (or given up)
	closing int64         // closing balance of the last statement imported, in cents
	lastDay string        // its last day
	broken  bool          // an import failed: the chain cannot go on
	stmts   int           // statements imported
	lines   int           // statement lines imported
}

const (
	bankEntriesPerStatement = 20
	bankFirstDay            = "2026-01-01" // the first statement's first day
	bankOpeningCents        = 5_000_000    // 50,000.00 on 1000 against 2000 the day before
)

// bankIBAN is a Dutch IBAN (bank code LOAD) with valid mod-97 check digits
// whose account number is n.
func bankIBAN(n int64) string {
	bban := fmt.Sprintf("LOAD%010d", n)
	return "NL" + bank.IBANCheckDigits("NL", bban) + bban
}

func cents(c int64) string {
	if c < 0 {
		return "-" + cents(-c)
	}
	return fmt.Sprintf("%d.%02d", c/100, c%100)
}

func (lt *loadRun) runBank(ctx context.Context, ids []int64, clients, total int, deadline time.Time, prefix string, stdout io.Writer) error {
	bl := &bankLoad{loadRun: lt, prefix: prefix, total: total, deadline: deadline,
		importLat: make([][]time.Duration, clients), feeLat: make([][]time.Duration, clients), postLat: make([][]time.Duration, clients)}
	first, _ := time.Parse(time.DateOnly, bankFirstDay)
	for _, id := range ids {
		base := fmt.Sprintf("%s/v1/entities/%d", lt.base, id)
		e := &bankEntity{base: base, iban: bankIBAN(id), closing: bankOpeningCents, last: make(chan struct{})}
		close(e.last) // the first week waits for nothing
		_, b, err := lt.do(ctx, base+"/bank-accounts", prefix+"bank-"+strconv.FormatInt(id, 10),
			fmt.Appendf(nil, `{"account":"1000","iban":%q,"name":"Load bank %d"}`, e.iban, id), http.StatusCreated)
		var a struct {
			ID int64 `json:"id"`
		}
		if err == nil {
			err = json.Unmarshal(b, &a)
		}
		if err != nil || a.ID == 0 {
			return fmt.Errorf("loadtest: create the bank account of entity %d: %v %.200s", id, err, b)
		}
		e.bank = fmt.Sprintf("%s/bank-accounts/%d", base, a.ID)
		_, _, err = lt.do(ctx, base+"/entries", prefix+"opening-"+strconv.FormatInt(id, 10),
			fmt.Appendf(nil, `{"date":%q,"description":"Opening balance","lines":[{"account":"1000","debit":%q},{"account":"2000","credit":%q}]}`,
				first.AddDate(0, 0, -1).Format(time.DateOnly), cents(bankOpeningCents), cents(bankOpeningCents)), http.StatusCreated)
		if err != nil {
			return fmt.Errorf("loadtest: post the opening entry of entity %d: %w", id, err)
		}
		bl.ents = append(bl.ents, e)
	}

	start := time.Now()
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() { bl.client(ctx, i) })
	}
	wg.Wait()
	elapsed := time.Since(start)

	// The final check: every bank account reconciles to zero as of its
	// last statement's last day, with nothing outstanding.
	checked, good, skipped := 0, 0, 0
	var reconciled int
	var bad []string
	for _, e := range bl.ents {
		if e.stmts == 0 {
			skipped++
			continue
		}
		checked++
		r, err := bl.reconciliation(ctx, e)
		if err != nil {
			bad = append(bad, fmt.Sprintf("%s: %v", e.bank, err))
			continue
		}
		reconciled += r.Reconciled
		switch {
		case r.Difference != "0.00" || r.Unexplained != "0.00" || len(r.Statement) > 0 || len(r.Ledger) > 0:
			bad = append(bad, fmt.Sprintf("%s as of %s: difference %s, unexplained %s, %d statement and %d ledger lines unreconciled",
				e.bank, e.lastDay, r.Difference, r.Unexplained, len(r.Statement), len(r.Ledger)))
		case r.Lines != e.lines || r.Reconciled != e.lines:
			bad = append(bad, fmt.Sprintf("%s as of %s: %d statement lines, %d reconciled; %d were imported", e.bank, e.lastDay, r.Lines, r.Reconciled, e.lines))
		default:
			good++
		}
	}

	imports, fees, posts := slices.Concat(bl.importLat...), slices.Concat(bl.feeLat...), slices.Concat(bl.postLat...)
	slices.Sort(imports)
	slices.Sort(fees)
	slices.Sort(posts)
	stmts, lines := bl.statements.Load(), bl.lines.Load()
	auto := bl.autoLines.Load()
	fmt.Fprintf(stdout, "loadtest: %s, %d clients over %d entities (bank reconciliation, %d entries per statement)\n", lt.base, clients, len(ids), bankEntriesPerStatement)
	fmt.Fprintf(stdout, "statements imported: %d  lines: %d  (entries posted before them: %d; bank fees booked from the line: %d)\n", stmts, lines, bl.entries.Load(), bl.fee.Load())
	fmt.Fprintf(stdout, "failures:       %d\n", lt.failed.Load())
	fmt.Fprintf(stdout, "elapsed:        %.3fs\n", elapsed.Seconds())
	fmt.Fprintf(stdout, "throughput:     %.1f statements/s, %.1f lines/s\n", float64(stmts)/elapsed.Seconds(), float64(lines)/elapsed.Seconds())
	if len(imports) > 0 {
		fmt.Fprintf(stdout, "import (%d lines, matched on import): p50 %s  p90 %s  p99 %s  max %s  (%d requests)\n", bankEntriesPerStatement+1,
			ms(percentile(imports, 0.50)), ms(percentile(imports, 0.90)), ms(percentile(imports, 0.99)), ms(imports[len(imports)-1]), len(imports))
	}
	if len(fees) > 0 {
		fmt.Fprintf(stdout, "entry from line: p50 %s  p99 %s  max %s  (%d requests)\n",
			ms(percentile(fees, 0.50)), ms(percentile(fees, 0.99)), ms(fees[len(fees)-1]), len(fees))
	}
	if len(posts) > 0 {
		fmt.Fprintf(stdout, "POST /entries:  p50 %s  p99 %s  (%d requests)\n", ms(percentile(posts, 0.50)), ms(percentile(posts, 0.99)), len(posts))
	}
	if lines > 0 {
		fmt.Fprintf(stdout, "auto-matched:   %d of %d lines (%.1f %%) in %d matches on import; the other %d are the bank fees\n",
			auto, lines, 100*float64(auto)/float64(lines), bl.autoMatches.Load(), lines-auto)
	}
	fmt.Fprintf(stdout, "reconciliation: %d of %d bank accounts reconcile (difference 0.00, unexplained 0.00, nothing outstanding; %d lines reconciled)",
		good, checked, reconciled)
	if skipped > 0 {
		fmt.Fprintf(stdout, "; %d without statements", skipped)
	}
	fmt.Fprintln(stdout)
	for _, b := range bad {
		fmt.Fprintf(stdout, "  not reconciled: %s\n", b)
	}
	for _, b := range lt.samples {
		fmt.Fprintf(stdout, "  e.g. %s\n", b)
	}
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("loadtest: interrupted: %w", ctx.Err())
	case lt.failed.Load() > 0:
		return fmt.Errorf("loadtest: %d requests failed", lt.failed.Load())
	case len(bad) > 0:
		return fmt.Errorf("loadtest: %d of %d bank accounts do not reconcile", len(bad), checked)
	}
	return nil
}

// bankLine is one line of a generated statement, and the entry behind it.
type bankLine struct {
	n                 int64
	account, ref      string
	cents             int64 // signed: + money in
	entryDay, bookDay string
}

// line makes statement line n of the week starting on from: account and
// sign by n, a reference on half of them, the entry dated in the week and
// the bank's booking 0-3 days later, still in the week. Amounts are
// 10.00 + 0.37 n, so no two lines of a run share one and none equals the
// opening entry or a fee (under 10.00).
func (bl *bankLoad) line(n int64, from time.Time) bankLine {
	l := bankLine{n: n, account: [...]string{"8000", "4100", "8000", "4500"}[n%4], cents: 1000 + 37*n}
	if l.account != "8000" {
		l.cents = -l.cents
	}
	if (n/2)%2 == 0 {
		l.ref = bl.prefix + "r" + strconv.FormatInt(n, 10)
	}
	day := int(n % 7)
	lag := min(int(n/7%4), 6-day)
	l.entryDay = from.AddDate(0, 0, day).Format(time.DateOnly)
	l.bookDay = from.AddDate(0, 0, day+lag).Format(time.DateOnly)
	return l
}

// client works on entity i % M: one week per round until the lines are
// claimed or the time is up.
func (bl *bankLoad) client(ctx context.Context, i int) {
	e := bl.ents[i%len(bl.ents)]
	first, _ := time.Parse(time.DateOnly, bankFirstDay)
	per := int64(bankEntriesPerStatement + 1)
	for ctx.Err() == nil && (bl.deadline.IsZero() || time.Now().Before(bl.deadline)) {
		end := bl.next.Add(per)
		start := end - per + 1
		if start > int64(bl.total) {
			return
		}
		end = min(end, int64(bl.total))

		// Claim the next week of the entity.
		e.mu.Lock()
		if e.broken {
			e.mu.Unlock()
			return
		}
		week, prev, mine := e.weeks, e.last, make(chan struct{})
		e.weeks, e.last = e.weeks+1, mine
		e.mu.Unlock()
		from := first.AddDate(0, 0, 7*week)
		to := from.AddDate(0, 0, 6)

		// The books first: the entries of the week (all lines but the
		// last, which is the bank's fee).
		var ls []bankLine
		for n := start; n < end; n++ {
			l := bl.line(n, from)
			ls = append(ls, l)
			debit, credit := "1000", l.account
			if l.cents < 0 {
				debit, credit = credit, debit
			}
			amt := cents(max(l.cents, -l.cents))
			body := fmt.Appendf(nil, `{"date":%q,"description":"Load bank %d","reference":%q,"lines":[{"account":%q,"debit":%q},{"account":%q,"credit":%q}]}`,
				l.entryDay, n, l.ref, debit, amt, credit, amt)
			d, _, err := bl.do(ctx, e.base+"/entries", bl.prefix+"e"+strconv.FormatInt(n, 10), body, http.StatusCreated)
			if ctx.Err() != nil {
				close(mine)
				return
			}
			bl.postLat[i] = append(bl.postLat[i], d)
			if err != nil {
				bl.fail("entry", err.Error())
				continue
			}
			bl.entries.Add(1)
		}
		feeRef := fmt.Sprintf("%sfee-%d", bl.prefix, end)
		feeCents := -(100 + end*7%800) // 1.00 to 8.99
		ls = append(ls, bankLine{n: end, cents: feeCents, bookDay: to.Format(time.DateOnly)})

		// Then the bank's statement, in turn.
		select {
		case <-prev:
		case <-ctx.Done():
			close(mine)
			return
		}
		if !bl.importWeek(ctx, i, e, from, to, ls, feeRef) {
			close(mine)
			return
		}
		close(mine)
		bl.bookFee(ctx, i, e, from, to, len(ls), feeRef)
	}
}

// importWeek imports the statement of the week and records it; false when
// it failed, which breaks the entity's chain.
func (bl *bankLoad) importWeek(ctx context.Context, client int, e *bankEntity, from, to time.Time, ls []bankLine, feeRef string) bool {
	e.mu.Lock()
	broken, opening := e.broken, e.closing
	e.mu.Unlock()
	if broken {
		return false
	}
	closing := opening
	for _, l := range ls {
		closing += l.cents
	}
	id := bl.prefix + "st-" + from.Format("20060102")
	xml := bl.camt(id, e.iban, from, to, opening, closing, ls, feeRef)
	u := fmt.Sprintf("%s/statements?file_name=%s", e.bank, url.QueryEscape(from.Format(time.DateOnly)+".xml"))
	d, b, err := bl.request(ctx, http.MethodPost, u, "application/xml", "", []byte(xml), http.StatusCreated)
	if ctx.Err() != nil {
		return false
	}
	bl.importLat[client] = append(bl.importLat[client], d)
	var res struct {
		LinesAdded  int `json:"lines_added"`
		AutoMatched int `json:"auto_matched"`
	}
	if err == nil {
		err = json.Unmarshal(b, &res)
	}
	if err == nil && res.LinesAdded != len(ls) {
		err = fmt.Errorf("%d lines added, want %d: %.200s", res.LinesAdded, len(ls), b)
	}
	if err != nil {
		e.mu.Lock()
		e.broken = true
		e.mu.Unlock()
		bl.fail("import", err.Error())
		return false
	}
	e.mu.Lock()
	e.closing, e.lastDay = closing, to.Format(time.DateOnly)
	e.stmts++
	e.lines += len(ls)
	e.mu.Unlock()
	bl.statements.Add(1)
	bl.lines.Add(int64(len(ls)))
	bl.autoMatches.Add(int64(res.AutoMatched))
	return true
}

// bookFee finds the week's unreconciled lines (the fee alone, when the
// matcher did its work), counts the others as matched on import, and books
// the fee on 4400 from its line.
func (bl *bankLoad) bookFee(ctx context.Context, client int, e *bankEntity, from, to time.Time, lines int, feeRef string) {
	u := fmt.Sprintf("%s/statement-lines?status=unreconciled&from=%s&to=%s&limit=200", e.bank, from.Format(time.DateOnly), to.Format(time.DateOnly))
	var feeLine int64
	unreconciled := 0
	for query := ""; ; {
		_, b, err := bl.request(ctx, http.MethodGet, u+query, "", "", nil, http.StatusOK)
		var page listPage[struct {
			ID      int64  `json:"id"`
			BankRef string `json:"bank_ref"`
		}]
		if err == nil {
			err = json.Unmarshal(b, &page)
		}
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			bl.fail("statement-lines", err.Error())
			return
		}
		for _, l := range page.Data {
			if l.BankRef == feeRef {
				feeLine = l.ID
			}
		}
		unreconciled += len(page.Data)
		if query = page.next(); query == "" {
			break
		}
	}
	bl.autoLines.Add(int64(lines - unreconciled))
	if feeLine == 0 {
		bl.fail("fee", fmt.Sprintf("the fee line %s of %s is not among the unreconciled lines", feeRef, e.bank))
		return
	}
	d, _, err := bl.request(ctx, http.MethodPost, fmt.Sprintf("%s/statement-lines/%d/entry", e.bank, feeLine), "application/json", feeRef,
		[]byte(`{"account":"4400"}`), http.StatusCreated)
	if ctx.Err() != nil {
		return
	}
	bl.feeLat[client] = append(bl.feeLat[client], d)
	if err != nil {
		bl.fail("entry from line", err.Error())
		return
	}
	bl.fee.Add(1)
}

// camt writes a camt.053.001.02 statement: one booked entry per line, the
// fee as a charge (ACMT/MDOP/CHRG) without transaction details.
func (bl *bankLoad) camt(id, iban string, from, to time.Time, opening, closing int64, ls []bankLine, feeRef string) string {
	f, t := from.Format(time.DateOnly), to.Format(time.DateOnly)
	bal := func(code string, c int64, date string) string {
		ind := "CRDT"
		if c < 0 {
			ind, c = "DBIT", -c
		}
		return fmt.Sprintf(`<Bal><Tp><CdOrPrtry><Cd>%s</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">%s</Amt><CdtDbtInd>%s</CdtDbtInd><Dt><Dt>%s</Dt></Dt></Bal>`, code, cents(c), ind, date)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>%s</MsgId><CreDtTm>%sT20:00:00</CreDtTm></GrpHdr>
<Stmt><Id>%s</Id><CreDtTm>%sT20:00:00</CreDtTm><FrToDt><FrDtTm>%sT00:00:00</FrDtTm><ToDtTm>%sT23:59:59</ToDtTm></FrToDt>
<Acct><Id><IBAN>%s</IBAN></Id><Ccy>EUR</Ccy></Acct>%s%s
`, id, t, id, t, f, t, iban, bal("OPBD", opening, f), bal("CLBD", closing, t))
	for _, l := range ls {
		ind, amt := "CRDT", l.cents
		party, name := "Dbtr", "Load customer"
		if amt < 0 {
			ind, amt, party, name = "DBIT", -amt, "Cdtr", "Load supplier"
		}
		ref := fmt.Sprintf("%sb%d", bl.prefix, l.n)
		if l.account == "" {
			ref = feeRef
		}
		fmt.Fprintf(&b, `<Ntry><Amt Ccy="EUR">%s</Amt><CdtDbtInd>%s</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>%s</Dt></BookgDt><ValDt><Dt>%s</Dt></ValDt><AcctSvcrRef>%s</AcctSvcrRef>`,
			cents(amt), ind, l.bookDay, l.bookDay, ref)
		if l.account == "" { // the bank's fee
			b.WriteString(`<BkTxCd><Domn><Cd>ACMT</Cd><Fmly><Cd>MDOP</Cd><SubFmlyCd>CHRG</SubFmlyCd></Fmly></Domn></BkTxCd><AddtlNtryInf>Kosten zakelijk betalingsverkeer</AddtlNtryInf></Ntry>` + "\n")
			continue
		}
		text := "Betaling week " + f
		if l.ref != "" {
			text = "Betaling " + l.ref
		}
		fmt.Fprintf(&b, `<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls><TxDtls><RltdPties><%s><Nm>%s</Nm></%s></RltdPties><RmtInf><Ustrd>%s</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`+"\n",
			party, name, party, text)
	}
	b.WriteString("</Stmt></BkToCstmrStmt></Document>\n")
	return b.String()
}

type bankReconciliation struct {
	Difference  string            `json:"difference"`
	Unexplained string            `json:"unexplained"`
	Statement   []json.RawMessage `json:"unreconciled_statement_lines"`
	Ledger      []json.RawMessage `json:"unreconciled_ledger_lines"`
	Lines       int               `json:"statement_lines"`
	Reconciled  int               `json:"reconciled_statement_lines"`
}

func (bl *bankLoad) reconciliation(ctx context.Context, e *bankEntity) (*bankReconciliation, error) {
	_, b, err := bl.request(ctx, http.MethodGet, e.bank+"/reconciliation?as_of="+e.lastDay, "", "", nil, http.StatusOK)
	if err != nil {
		return nil, err
	}
	var r bankReconciliation
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// request sends a request with the admin key and returns how long it took
// and the answer, or an error naming the status when it is not want.
func (lt *loadRun) request(ctx context.Context, method, u, contentType, idemKey string, body []byte, want int) (time.Duration, []byte, error) {
	return lt.send(ctx, method, lt.auth, u, contentType, idemKey, body, want)
}
