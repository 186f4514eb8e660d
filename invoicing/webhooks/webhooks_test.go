package webhooks

import (
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"backoffice/ledger"
)

func ptr[T any](v T) *T { return &v }

// fields returns the problems of err as "path reason" strings.
func fields(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	e := ledger.As(err)
	if e.Code != ledger.CodeInvalid {
		t.Fatalf("want an invalid error, got %v", err)
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Path+" "+string(f.Reason))
	}
	return out
}

var loopbackOK = AddressPolicy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}}

func TestApplyURL(t *testing.T) {
	long := "https://example.com/" + strings.Repeat("a", MaxURLLength)
	for _, c := range []struct {
		url    string
		policy AddressPolicy
		want   string // "" accepted, else "path reason"
		stored string
	}{
		{url: "https://hooks.example.com/backoffice", stored: "https://hooks.example.com/backoffice"},
		{url: "  http://example.com:8080/x?y=1  ", stored: "http://example.com:8080/x?y=1"},
		{url: "HTTPS://Example.com/", stored: "https://Example.com/"},
		{url: "https://93.184.216.34/hook", stored: "https://93.184.216.34/hook"},
		{url: "https://[2606:4700::1111]/hook", stored: "https://[2606:4700::1111]/hook"},
		{url: "ftp://example.com/", want: "url url_invalid"},
		{url: "mailto:ops@example.com", want: "url url_invalid"},
		{url: "https://", want: "url url_invalid"},
		{url: "https:///path", want: "url url_invalid"},
		{url: "example.com/hook", want: "url url_invalid"},
		{url: "", want: "url url_invalid"},
		{url: "https://user:pw@example.com/", want: "url url_invalid"},
		{url: "https://example.com/#frag", want: "url url_invalid"},
		{url: "https://example.com:0/", want: "url url_invalid"},
		{url: "https://example.com:99999/", want: "url url_invalid"},
		{url: "https://example.com:/", want: "url url_invalid"},
		{url: "https://exa mple.com/", want: "url url_invalid"},
		{url: "https://127.1/", want: "url url_invalid"},
		{url: "https://2130706433/", want: "url url_invalid"},
		{url: "https://0x7f.0.0.1/", want: "url url_invalid"},
		{url: "https://[fe80::1%25eth0]/", want: "url url_invalid"},
		{url: long, want: "url url_invalid"},
		{url: "http://127.0.0.1:8080/", want: "url url_not_allowed"},
		{url: "http://10.1.2.3/", want: "url url_not_allowed"},
		{url: "http://192.168.1.1/", want: "url url_not_allowed"},
		{url: "http://169.254.169.254/latest/meta-data", want: "url url_not_allowed"},
		{url: "http://100.64.0.1/", want: "url url_not_allowed"},
		{url: "http://0.0.0.0/", want: "url url_not_allowed"},
		{url: "http://[::1]/", want: "url url_not_allowed"},
		{url: "http://[::ffff:127.0.0.1]/", want: "url url_not_allowed"},
		{url: "http://[fd00::1]/", want: "url url_not_allowed"},
		{url: "http://localhost:8080/", want: "url url_not_allowed"},
		{url: "http://api.localhost/", want: "url url_not_allowed"},
		{url: "http://LOCALHOST./", want: "url url_not_allowed"},
		{url: "http://127.0.0.1:8080/", policy: loopbackOK, stored: "http://127.0.0.1:8080/"},
		{url: "http://localhost:8080/", policy: loopbackOK, stored: "http://localhost:8080/"},
		{url: "http://[::ffff:127.0.0.1]/", policy: loopbackOK, stored: "http://[::ffff:127.0.0.1]/"},
		{url: "http://10.1.2.3/", policy: loopbackOK, want: "url url_not_allowed"},
	} {
		t.Run(c.url, func(t *testing.T) {
			ep := &Endpoint{}
			err := (&EndpointInput{URL: &c.url, Events: &[]string{"*"}}).Apply(ep, true, c.policy)
			got := fields(t, err)
			if c.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if ep.URL != c.stored {
					t.Errorf("stored %q, want %q", ep.URL, c.stored)
				}
				return
			}
			if !slices.Equal(got, []string{c.want}) {
				t.Errorf("problems %v, want [%s]", got, c.want)
			}
			if ep.URL != "" || ep.Secret != "" {
				t.Errorf("a refused input changed the endpoint: %+v", ep)
			}
		})
	}
}

func TestApplyFields(t *testing.T) {
	u := "https://example.com/hook"
	for _, c := range []struct {
		name     string
		in       EndpointInput
		creating bool
		want     []string
		events   []string
	}{
		{name: "url and events required", creating: true, want: []string{"url field_required", "events field_required"}},
		{name: "empty events", in: EndpointInput{URL: &u, Events: &[]string{}}, creating: true, want: []string{"events field_required"}},
		{name: "unknown type", in: EndpointInput{URL: &u, Events: &[]string{"order.received", "order.deleted", "x"}}, creating: true,
			want: []string{"events[1] event_type_unknown", "events[2] event_type_unknown"}},
		{name: "dedupe and order", in: EndpointInput{URL: &u, Events: &[]string{"invoice.paid", "order.received", "invoice.paid"}}, creating: true,
			events: []string{"order.received", "invoice.paid"}},
		{name: "star wins", in: EndpointInput{URL: &u, Events: &[]string{"invoice.paid", "*"}}, creating: true, events: []string{"*"}},
		{name: "too many", in: EndpointInput{URL: &u, Events: ptr(slices.Repeat([]string{"*"}, 101))}, creating: true, want: []string{"events events_too_many"}},
		{name: "description too long", in: EndpointInput{URL: &u, Events: &[]string{"*"}, Description: ptr(strings.Repeat("é", 501))}, creating: true,
			want: []string{"description field_too_long"}},
		{name: "short secret", in: EndpointInput{URL: &u, Events: &[]string{"*"}, Secret: ptr("short")}, creating: true, want: []string{"secret secret_invalid"}},
		{name: "secret with space", in: EndpointInput{URL: &u, Events: &[]string{"*"}, Secret: ptr("0123456789 abcdef")}, creating: true, want: []string{"secret secret_invalid"}},
		{name: "secret not ascii", in: EndpointInput{URL: &u, Events: &[]string{"*"}, Secret: ptr("0123456789abcdéf")}, creating: true, want: []string{"secret secret_invalid"}},
		{name: "secret on update", in: EndpointInput{Secret: ptr("0123456789abcdefgh")}, want: []string{"secret secret_immutable"}},
		{name: "update nothing", in: EndpointInput{}, events: []string{"order.received"}},
		{name: "update empty events", in: EndpointInput{Events: &[]string{}}, want: []string{"events field_required"}},
		{name: "update bad url", in: EndpointInput{URL: ptr("ftp://x")}, want: []string{"url url_invalid"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ep := &Endpoint{ID: 7, URL: "https://old.example.com/", Events: []string{"order.received"}, Secret: "whsec_old_secret_1234", Enabled: false}
			before := *ep
			err := c.in.Apply(ep, c.creating, AddressPolicy{})
			got := fields(t, err)
			if !slices.Equal(got, c.want) {
				t.Fatalf("problems %v, want %v", got, c.want)
			}
			if err != nil {
				if !slices.Equal(ep.Events, before.Events) || ep.URL != before.URL || ep.Secret != before.Secret {
					t.Errorf("a refused input changed the endpoint: %+v", ep)
				}
				return
			}
			if c.events != nil && !slices.Equal(ep.Events, c.events) {
				t.Errorf("events %v, want %v", ep.Events, c.events)
			}
			if !c.creating && ep.Secret != before.Secret {
				t.Errorf("update changed the secret")
			}
		})
	}
}

func TestApplyCreateDefaults(t *testing.T) {
	u := "https://example.com/hook"
	ep := &Endpoint{}
	if err := (&EndpointInput{URL: &u, Events: &[]string{"*"}}).Apply(ep, true, AddressPolicy{}); err != nil {
		t.Fatal(err)
	}
	if !ep.Enabled {
		t.Error("a new endpoint is enabled unless told otherwise")
	}
	if !strings.HasPrefix(ep.Secret, SecretPrefix) || len(ep.Secret) != len(SecretPrefix)+32 {
		t.Errorf("generated secret %q", ep.Secret)
	}
	other := &Endpoint{}
	_ = (&EndpointInput{URL: &u, Events: &[]string{"*"}}).Apply(other, true, AddressPolicy{})
	if other.Secret == ep.Secret {
		t.Error("two endpoints got the same secret")
	}
	mine := "my-own-secret-0123456789"
	off := false
	ep = &Endpoint{}
	if err := (&EndpointInput{URL: &u, Events: &[]string{"*"}, Secret: &mine, Enabled: &off}).Apply(ep, true, AddressPolicy{}); err != nil {
		t.Fatal(err)
	}
	if ep.Secret != mine || ep.Enabled {
		t.Errorf("given secret and enabled ignored: %+v", ep)
	}
}

func TestAddressPolicy(t *testing.T) {
	public := AddressPolicy{}
	for _, c := range []struct {
		addr    string
		allowed bool
	}{
		{"93.184.216.34", true},
		{"8.8.8.8", true},
		{"2606:4700::1111", true},
		{"::ffff:93.184.216.34", true},
		{"127.0.0.1", false},
		{"127.255.0.9", false},
		{"::1", false},
		{"::ffff:127.0.0.1", false},
		{"::ffff:10.0.0.1", false},
		{"10.0.0.1", false},
		{"172.16.5.4", false},
		{"172.31.255.255", false},
		{"172.32.0.1", true},
		{"192.168.0.1", false},
		{"100.64.0.1", false},
		{"100.127.255.255", false},
		{"100.128.0.1", true},
		{"169.254.169.254", false},
		{"0.0.0.0", false},
		{"::", false},
		{"224.0.0.1", false},
		{"255.255.255.255", false},
		{"198.18.0.1", false},
		{"fc00::1", false},
		{"fd12:3456::1", false},
		{"fe80::1", false},
		{"ff02::1", false},
		{"64:ff9b::a00:1", false}, // NAT64 of 10.0.0.1
		{"2002:a00:1::1", false},  // 6to4 of 10.0.0.1
		{"::127.0.0.1", false},    // IPv4-compatible
	} {
		if got := public.Allowed(netip.MustParseAddr(c.addr)); got != c.allowed {
			t.Errorf("public policy: Allowed(%s) = %v, want %v", c.addr, got, c.allowed)
		}
	}
	if public.Allowed(netip.Addr{}) {
		t.Error("the zero address is allowed")
	}

	p, err := ParseAllow(" loopback, 10.1.0.0/16 192.168.7.7,fd00::/8 ")
	if err != nil {
		t.Fatal(err)
	}
	for addr, want := range map[string]bool{
		"127.0.0.1": true, "::1": true, "::ffff:127.0.0.1": true, "10.1.200.3": true, "10.2.0.1": false,
		"192.168.7.7": true, "192.168.7.8": false, "fd00::5": true, "fc00::5": false, "169.254.169.254": false, "8.8.8.8": true,
	} {
		if got := p.Allowed(netip.MustParseAddr(addr)); got != want {
			t.Errorf("%v: Allowed(%s) = %v, want %v", p, addr, got, want)
		}
	}
	priv, err := ParseAllow("private")
	if err != nil {
		t.Fatal(err)
	}
	if !priv.Allowed(netip.MustParseAddr("172.20.0.1")) || priv.Allowed(netip.MustParseAddr("127.0.0.1")) {
		t.Errorf("private: %v", priv)
	}
	if p, err := ParseAllow(""); err != nil || len(p.Allow) != 0 {
		t.Errorf("empty list: %v %v", p, err)
	}
	for _, bad := range []string{"10.0.0.0/33", "10.0.0.1/8", "intranet", "fe80::1%eth0", "1.2.3"} {
		if _, err := ParseAllow(bad); err == nil {
			t.Errorf("ParseAllow(%q) accepted", bad)
		}
	}
}

func TestSignVerify(t *testing.T) {
	secret := "whsec_test_secret_0123456789"
	body := []byte(`{"id":1,"sequence":1,"type":"order.received","entity_id":1,"created_at":"2026-01-01T00:00:00Z","data":{}}`)
	at := time.Unix(1767225600, 0)
	h := Sign(secret, at, body)
	if !strings.HasPrefix(h, "t=1767225600,v1=") || len(h) != len("t=1767225600,v1=")+64 {
		t.Fatalf("header %q", h)
	}
	// A known answer, computed independently (as docs/webhooks.md shows):
	// printf '%s' '1767225600.{"a":1}' | openssl dgst -sha256 -hmac secret
	if got := Sign("secret", at, []byte(`{"a":1}`)); got != "t=1767225600,v1=96a067a1c95eb143fc00b9097bcfcbcd5456adda508c443ff219748e764dbed7" {
		t.Errorf("known answer: got %s", got)
	}
	tampered := append([]byte{}, body...)
	tampered[len(tampered)-2] = ' '
	other := Sign("whsec_other_secret_0123456789", at, body)
	for _, c := range []struct {
		name   string
		secret string
		header string
		body   []byte
		now    time.Time
		want   error
	}{
		{"valid", secret, h, body, at.Add(time.Minute), nil},
		{"valid, clock a little behind", secret, h, body, at.Add(-time.Minute), nil},
		{"valid among rolled secrets", secret, other + "," + h[strings.Index(h, "v1="):], body, at, nil},
		{"tampered body", secret, h, tampered, at, ErrSignatureMismatch},
		{"wrong secret", "whsec_wrong_secret_0123456789", h, body, at, ErrSignatureMismatch},
		{"signed by another endpoint", secret, other, body, at, ErrSignatureMismatch},
		{"old timestamp (replay)", secret, h, body, at.Add(6 * time.Minute), ErrSignatureExpired},
		{"future timestamp", secret, h, body, at.Add(-6 * time.Minute), ErrSignatureExpired},
		{"replayed with a new timestamp", secret, strings.Replace(h, "t=1767225600", "t=1767225900", 1), body, at.Add(5 * time.Minute), ErrSignatureMismatch},
		{"empty header", secret, "", body, at, ErrSignatureMissing},
		{"no v1", secret, "t=1767225600", body, at, ErrSignatureMissing},
		{"bad hex", secret, "t=1767225600,v1=zz", body, at, ErrSignatureMissing},
		{"no t", secret, h[strings.Index(h, "v1="):], body, at, ErrSignatureMissing},
	} {
		if err := Verify(c.secret, c.header, c.body, 0, c.now); !errors.Is(err, c.want) {
			t.Errorf("%s: Verify = %v, want %v", c.name, err, c.want)
		}
	}
	if err := Verify(secret, h, body, time.Hour, at.Add(30*time.Minute)); err != nil {
		t.Errorf("a wider tolerance: %v", err)
	}
}

func TestBackoff(t *testing.T) {
	base, max := 30*time.Second, 6*time.Hour
	for attempt := 1; attempt <= 40; attempt++ {
		want := max
		if attempt <= 10 {
			want = base << (attempt - 1)
		}
		for range 200 {
			d := Backoff(attempt, base, max)
			if d > want || d < want-want/5 {
				t.Fatalf("Backoff(%d) = %v, want within [%v, %v]", attempt, d, want-want/5, want)
			}
		}
	}
	// Jitter is there: 200 draws are not all equal.
	seen := map[time.Duration]bool{}
	for range 200 {
		seen[Backoff(3, base, max)] = true
	}
	if len(seen) < 2 {
		t.Error("no jitter")
	}
	// Huge attempt numbers and caps do not overflow.
	if d := Backoff(1000, time.Second, time.Duration(1<<62)); d <= 0 || d > time.Duration(1<<62) {
		t.Errorf("overflow: %v", d)
	}
	if d := Backoff(0, base, max); d > base || d < base-base/5 {
		t.Errorf("attempt 0: %v", d)
	}
	if Backoff(3, 0, max) != 0 {
		t.Error("zero base")
	}
	// The documented default schedule: 15 attempts span about 32 hours.
	var total time.Duration
	for a := 1; a < DefaultMaxAttempts; a++ {
		total += min(DefaultBackoffBase<<(a-1), DefaultBackoffMax)
	}
	if total < 32*time.Hour || total > 33*time.Hour {
		t.Errorf("default schedule spans %v, the docs say about 32 h", total)
	}
}

func TestSubscribes(t *testing.T) {
	if !Subscribes([]string{"*"}, InvoicePaid) || !Subscribes([]string{InvoicePaid}, InvoicePaid) || Subscribes([]string{OrderReceived}, InvoicePaid) {
		t.Error("Subscribes")
	}
}

// A refused local URL says how the operator allows it (issue 12, defect 7):
// nobody should have to find --webhook-allow by reading the source.
func TestNotAllowedSaysHow(t *testing.T) {
	for _, c := range []struct{ url, want string }{
		{"http://127.0.0.1:8080/", "--webhook-allow loopback (BACKOFFICE_WEBHOOK_ALLOW)"},
		{"http://[::1]/", "--webhook-allow loopback (BACKOFFICE_WEBHOOK_ALLOW)"},
		{"http://[::ffff:127.0.0.1]/", "--webhook-allow loopback"},
		{"http://localhost:8080/", "is a loopback address"},
		{"http://localhost:8080/", "--webhook-allow loopback (BACKOFFICE_WEBHOOK_ALLOW)"},
		{"http://10.1.2.3/", "--webhook-allow private (BACKOFFICE_WEBHOOK_ALLOW)"},
		{"http://[fd00::1]/", "a private address"},
		{"http://169.254.169.254/", "--webhook-allow 169.254.169.254/32"},
	} {
		err := (&EndpointInput{URL: &c.url, Events: &[]string{"*"}}).Apply(&Endpoint{}, true, AddressPolicy{})
		if err == nil {
			t.Fatalf("%s accepted", c.url)
		}
		e := ledger.As(err)
		if len(e.Fields) != 1 || e.Fields[0].Reason != "url_not_allowed" || !strings.Contains(e.Fields[0].Message, c.want) {
			t.Errorf("%s: %+v, want a url_not_allowed message containing %q", c.url, e.Fields, c.want)
		}
	}
}

// Which failed attempts say that the endpoint itself is unwell.
func TestEndpointFailed(t *testing.T) {
	for _, c := range []struct {
		r    Result
		want bool
	}{
		{Result{Error: "no answer within 10s: context deadline exceeded"}, true},
		{Result{Error: "dial tcp 127.0.0.1:9: connect: connection refused"}, true},
		{Result{StatusCode: 500, Error: "HTTP 500"}, true},
		{Result{StatusCode: 503, Error: "HTTP 503"}, true},
		{Result{StatusCode: 429, Error: "HTTP 429"}, true},
		{Result{StatusCode: 408, Error: "HTTP 408"}, true},
		{Result{StatusCode: 400, Error: "HTTP 400"}, false},
		{Result{StatusCode: 410, Error: "HTTP 410"}, false},
		{Result{StatusCode: 307, Error: "HTTP 307: redirects are not followed"}, false},
		{Result{StatusCode: 204, Delivered: true}, false},
	} {
		if got := c.r.EndpointFailed(); got != c.want {
			t.Errorf("%+v: EndpointFailed = %v, want %v", c.r, got, c.want)
		}
	}
}

// The endpoint backoff is the retry schedule, started after
// EndpointFailuresBeforeBackoff failures in a row.
func TestEndpointBackoff(t *testing.T) {
	base, max := 30*time.Second, DefaultEndpointBackoffMax
	for n := 0; n < EndpointFailuresBeforeBackoff; n++ {
		if d := EndpointBackoff(n, base, max); d != 0 {
			t.Errorf("after %d failures: %v, want none", n, d)
		}
	}
	for n := EndpointFailuresBeforeBackoff; n < 30; n++ {
		want := min(base<<(n-EndpointFailuresBeforeBackoff), max)
		if d := EndpointBackoff(n, base, max); d > want || d < want-want/5 {
			t.Errorf("after %d failures: %v, want about %v", n, d, want)
		}
	}
}
