package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"mime"
	"testing"

	"backoffice/ledger"
)

// Tiny files of each type: only their first bytes matter to the inbox.
var (
	samplePDF  = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	samplePNG  = append([]byte("\x89PNG\r\n\x1a\n"), []byte("\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\x00IEND\xaeB`\x82")...)
	sampleJPEG = []byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9}
)

// TestDocumentInbox: documents through the API on both databases: PDF,
// PNG and JPEG uploads typed by their content, a mismatched Content-Type
// and another type refused, the 20 MiB limit, one file per entity (409
// naming the earlier one), the metadata, list and download byte for
// byte, roles and tenancy, and the audit trail; refusals write nothing.
func TestDocumentInbox(t *testing.T) {
	f := newFixture(t)
	a, b := f.entity("Buyer"), f.entity("Other")
	acct, client, integ, other := f.key(ledger.RoleAccountant, a, b), f.key(ledger.RoleClient, a), f.key(ledger.RoleIntegration, a), f.key(ledger.RoleAccountant, b)
	base := ent(a) + "/documents"
	upload := func(key, name string, data []byte, ct string) *response {
		t.Helper()
		return f.do("POST", base+"?file_name="+name, key, data, "Content-Type", ct)
	}

	pdfDoc := f.must(upload(acct, "invoice%20march.pdf", samplePDF, "application/pdf"), 201).obj
	sum := sha256.Sum256(samplePDF)
	if pdfDoc["content_type"] != "application/pdf" || pdfDoc["file_name"] != "invoice march.pdf" || num(pdfDoc["size"]) != int64(len(samplePDF)) ||
		pdfDoc["sha256"] != hex.EncodeToString(sum[:]) || pdfDoc["status"] != "inbox" || num(pdfDoc["created_by"]) == 0 || pdfDoc["created_at"] == nil {
		t.Fatalf("pdf: %v", pdfDoc)
	}
	png := f.must(upload(acct, "scan.png", samplePNG, "application/octet-stream"), 201).obj
	if png["content_type"] != "image/png" {
		t.Errorf("png: %v", png)
	}
	// A client uploads to its own entity; without a name the type names it.
	jpeg := f.must(f.do("POST", base, client, sampleJPEG, "Content-Type", "image/jpeg"), 201).obj
	if jpeg["content_type"] != "image/jpeg" || jpeg["file_name"] != "document.jpg" {
		t.Errorf("jpeg: %v", jpeg)
	}

	// Refusals, each writing nothing.
	before := f.must(f.do("GET", base, acct, nil), 200).body
	wantProblem(t, upload(acct, "fake.png", append(bytes.Clone(samplePDF), 'x'), "image/png"), 422, "document_type_mismatch")
	wantProblem(t, upload(acct, "notes.txt", []byte("just some text"), "text/plain"), 415, "document_type_unsupported")
	wantProblem(t, upload(acct, "notes.pdf", []byte("just some text"), "application/pdf"), 415, "document_type_unsupported")
	big := make([]byte, 20<<20+1)
	copy(big, "%PDF-1.4\n")
	wantProblem(t, upload(acct, "big.pdf", big, "application/pdf"), 413, "body_too_large")
	wantProblem(t, upload(acct, "empty.pdf", nil, "application/pdf"), 400, "body_empty")
	dup := upload(client, "again.pdf", samplePDF, "application/pdf")
	wantProblem(t, dup, 409, "document_duplicate")
	if num(dup.obj["document_id"]) != num(pdfDoc["id"]) {
		t.Errorf("duplicate names no document: %s", dup)
	}
	wantProblem(t, upload(integ, "x.pdf", append(bytes.Clone(samplePDF), 'y'), "application/pdf"), 403, "role_forbidden")
	if after := f.must(f.do("GET", base, acct, nil), 200).body; !bytes.Equal(before, after) {
		t.Errorf("refusals changed the documents:\n%s\n%s", before, after)
	}
	// Just under the limit is taken; the same file in another entity too.
	f.must(upload(acct, "big.pdf", big[:20<<20], "application/pdf"), 201)
	f.must(f.do("POST", ent(b)+"/documents", other, samplePDF, "Content-Type", "application/pdf"), 201)

	// Reading: list, filter, one, content byte for byte.
	list := f.must(f.do("GET", base+"?status=inbox", client, nil), 200).obj["data"].([]any)
	if len(list) != 4 || num(list[0].(map[string]any)["id"]) != num(pdfDoc["id"]) {
		t.Errorf("list: %v", list)
	}
	if l := f.must(f.do("GET", base+"?limit=1", acct, nil), 200).obj; len(l["data"].([]any)) != 1 || l["has_more"] != true {
		t.Errorf("page: %v", l)
	}
	wantProblem(t, f.do("GET", base+"?status=paid", acct, nil), 422, "parameter_invalid")
	id := itoa(num(pdfDoc["id"]))
	if got := f.must(f.do("GET", base+"/"+id, client, nil), 200).obj; got["sha256"] != pdfDoc["sha256"] {
		t.Errorf("get: %v", got)
	}
	for doc, data := range map[string][]byte{id: samplePDF, itoa(num(png["id"])): samplePNG, itoa(num(jpeg["id"])): sampleJPEG} {
		r := f.must(f.do("GET", base+"/"+doc+"/content", client, nil), 200)
		if !bytes.Equal(r.body, data) || r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("content of %s: %v %q", doc, r.header, r.body)
		}
		if disp, params, err := mime.ParseMediaType(r.header.Get("Content-Disposition")); err != nil || disp != "attachment" || params["filename"] == "" {
			t.Errorf("content of %s: disposition %q", doc, r.header.Get("Content-Disposition"))
		}
	}
	r := f.must(f.do("GET", base+"/"+id+"/content", acct, nil), 200)
	if r.header.Get("Content-Type") != "application/pdf" || r.header.Get("Content-Disposition") != `attachment; filename="invoice march.pdf"` {
		t.Errorf("pdf headers: %v", r.header)
	}
	// A name with quotes and a line break stays one header value.
	odd := f.must(upload(acct, "a%22b%0D%0Ac.png", append(bytes.Clone(samplePNG), 'z'), "image/png"), 201).obj
	r = f.must(f.do("GET", base+"/"+itoa(num(odd["id"]))+"/content", acct, nil), 200)
	if _, params, err := mime.ParseMediaType(r.header.Get("Content-Disposition")); err != nil || params["filename"] != "a\"b\r\nc.png" {
		t.Errorf("odd name: %q %v", r.header.Get("Content-Disposition"), err)
	}

	// Roles and tenancy.
	for _, p := range []string{base, base + "/" + id, base + "/" + id + "/content"} {
		wantProblem(t, f.do("GET", p, integ, nil), 403, "role_forbidden")
		wantProblem(t, f.do("GET", ent(b)+p[len(ent(a)):], client, nil), 404, "not_found")
	}
	wantProblem(t, f.do("GET", ent(b)+"/documents/"+id, other, nil), 404, "not_found")
	wantProblem(t, f.do("GET", ent(b)+"/documents/"+id+"/content", other, nil), 404, "not_found")

	// The audit trail.
	n := 0
	for _, e := range f.must(f.do("GET", ent(a)+"/audit-events?limit=200", acct, nil), 200).obj["data"].([]any) {
		if e.(map[string]any)["action"] == "document.uploaded" {
			n++
		}
	}
	if n != 5 {
		t.Errorf("document.uploaded events: %d, want 5", n)
	}
}
