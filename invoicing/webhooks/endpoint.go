package webhooks

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"backoffice/ledger"
)

// Limits on an endpoint's fields.
const (
	MaxURLLength         = 2000
	MaxDescriptionLength = 500
	MinSecretLength      = 16
	MaxSecretLength      = 200
	maxEventsListed      = 100 // a longer list is a mistake, not a subscription
)

// SecretPrefix starts every generated secret, so that people and secret
// scanners recognise it.
const SecretPrefix = "whsec_"

// AllEvents subscribes an endpoint to every event type, also to types added
// later.
const AllEvents = "*"

// NewSecret returns a new signing secret: the prefix and 160 random bits
// in 32 base32 characters.
func NewSecret() string {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return SecretPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// Apply checks an endpoint input and, only when all of it is valid, copies
// it into ep. Creating, url and events are required and a missing secret is
// generated; updating, only the fields sent change and the secret cannot
// (it is shown once, when the endpoint is created). The URL must be http or
// https, and a literal IP address or localhost in it must pass the policy;
// names are checked again when the worker connects (see
// AddressPolicy.Allowed), because DNS can point them anywhere.
func (in *EndpointInput) Apply(ep *Endpoint, creating bool, policy AddressPolicy) error {
	var p ledger.Problems
	out := *ep
	if creating {
		out.Enabled = true
	}
	switch {
	case in.URL != nil:
		if u, ok := checkURL(&p, *in.URL, policy); ok {
			out.URL = u
		}
	case creating:
		p.Add("url", ledger.ReasonFieldRequired, "url is required")
	}
	switch {
	case in.Events != nil:
		if ev, ok := checkEvents(&p, *in.Events); ok {
			out.Events = ev
		}
	case creating:
		p.Add("events", ledger.ReasonFieldRequired, "events is required: a list of event types, or [\"*\"] for all")
	}
	p.Text("description", in.Description, &out.Description, MaxDescriptionLength, false, creating)
	if in.Enabled != nil {
		out.Enabled = *in.Enabled
	}
	switch {
	case in.Secret != nil && !creating:
		p.Add("secret", ledger.ReasonSecretImmutable, "the secret is chosen when the endpoint is created and never changes; to rotate it, create a new endpoint and delete this one once the receiver accepts both")
	case in.Secret != nil:
		if checkSecret(&p, *in.Secret) {
			out.Secret = *in.Secret
		}
	case creating:
		out.Secret = NewSecret()
	}
	if err := p.Err(); err != nil {
		return err
	}
	*ep = out
	return nil
}

// checkURL checks a webhook URL and returns it with a lower-case scheme.
func checkURL(p *ledger.Problems, raw string, policy AddressPolicy) (string, bool) {
	s := strings.TrimSpace(raw)
	bad := func(format string, args ...any) (string, bool) {
		p.Add("url", ledger.ReasonURLInvalid, format, args...)
		return "", false
	}
	if s == "" {
		return bad("url must not be empty")
	}
	if len(s) > MaxURLLength {
		return bad("url is longer than %d characters", MaxURLLength)
	}
	u, err := url.Parse(s)
	if err != nil {
		return bad("url cannot be parsed: %s", strings.TrimPrefix(err.Error(), "parse "))
	}
	scheme := strings.ToLower(u.Scheme)
	switch {
	case scheme != "http" && scheme != "https":
		return bad("url must start with https:// or http://")
	case u.Opaque != "" || u.Host == "":
		return bad("url must name a host, as in https://example.com/hooks")
	case u.User != nil:
		return bad("url must not carry a user name or password; the signature authenticates deliveries")
	case u.Fragment != "" || strings.HasSuffix(s, "#"):
		return bad("url must not have a #fragment: it is never sent")
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return bad("url has port %q; a port is a number from 1 to 65535", port)
		}
	} else if strings.HasSuffix(u.Host, ":") {
		return bad("url has an empty port")
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "" {
		return bad("url must name a host, as in https://example.com/hooks")
	}
	if addr, err := netip.ParseAddr(host); err == nil {
		if addr.Zone() != "" {
			return bad("url must not have an IPv6 zone")
		}
		if !policy.Allowed(addr) {
			p.Add("url", ledger.ReasonURLNotAllowed, "url points at %s", notAllowed(addr))
			return "", false
		}
	} else if strings.Contains(host, ":") || looksNumeric(host) {
		// "127.1", "2130706433", "0x7f.0.0.1": some resolvers read these as
		// addresses; no real host name ends in a number.
		return bad("url host %q is neither a host name nor an IP address in standard form", host)
	} else if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		if !policy.Allowed(netip.IPv6Loopback()) && !policy.Allowed(netip.AddrFrom4([4]byte{127, 0, 0, 1})) {
			p.Add("url", ledger.ReasonURLNotAllowed, "url points at localhost, %s", allowHint("which is a loopback address", "loopback"))
			return "", false
		}
	}
	return scheme + s[len(u.Scheme):], true
}

// notAllowed says what kind of address a refused one is and how the
// operator allows such addresses: people who register a receiver on their
// own machine or network should not have to guess that an option exists.
func notAllowed(addr netip.Addr) string {
	plain := addr.Unmap()
	switch {
	case plain.IsLoopback():
		return addr.String() + ", " + allowHint("which is a loopback address", "loopback")
	case plain.IsPrivate():
		return addr.String() + ", " + allowHint("which is a private address", "private")
	}
	return fmt.Sprintf("%s, which is a reserved address (link-local, shared, documentation, multicast or the like) that this server does not call; "+
		"if it must, start the server with --webhook-allow %s (BACKOFFICE_WEBHOOK_ALLOW) naming its range", addr, netip.PrefixFrom(plain, plain.BitLen()))
}

// allowHint is the end of a url_not_allowed message: what the address is
// and the --webhook-allow word that allows it.
func allowHint(what, word string) string {
	return fmt.Sprintf("%s; start the server with --webhook-allow %s (BACKOFFICE_WEBHOOK_ALLOW) to allow it", what, word)
}

// looksNumeric reports whether a host name's last label is a number
// (decimal or 0x hex), which DNS names never are.
func looksNumeric(host string) bool {
	last := host[strings.LastIndex(host, ".")+1:]
	if last == "" {
		return false
	}
	if h, ok := strings.CutPrefix(last, "0x"); ok {
		_, err := strconv.ParseUint(h, 16, 64)
		return err == nil || h == ""
	}
	return strings.Trim(last, "0123456789") == ""
}

// checkEvents checks a subscription list and returns it without repeats,
// in the order of EventTypes; a list holding "*" is just ["*"].
func checkEvents(p *ledger.Problems, events []string) ([]string, bool) {
	if len(events) == 0 {
		p.Add("events", ledger.ReasonFieldRequired, "events must list at least one event type, or \"*\" for all")
		return nil, false
	}
	if len(events) > maxEventsListed {
		p.Add("events", ledger.ReasonEventsTooMany, "events lists %d entries; there are %d event types", len(events), len(EventTypes))
		return nil, false
	}
	ok, all := true, false
	want := map[string]bool{}
	for i, e := range events {
		switch {
		case e == AllEvents:
			all = true
		case slices.Contains(EventTypes, e):
			want[e] = true
		default:
			ok = false
			p.Add("events["+strconv.Itoa(i)+"]", ledger.ReasonEventTypeUnknown, "unknown event type %q; known: %s, or \"*\" for all", e, strings.Join(EventTypes, ", "))
		}
	}
	if !ok {
		return nil, false
	}
	if all {
		return []string{AllEvents}, true
	}
	out := make([]string, 0, len(want))
	for _, t := range EventTypes {
		if want[t] {
			out = append(out, t)
		}
	}
	return out, true
}

// checkSecret accepts a secret of printable ASCII characters without
// spaces, long enough to resist guessing.
func checkSecret(p *ledger.Problems, s string) bool {
	n := utf8.RuneCountInString(s)
	if n < MinSecretLength || n > MaxSecretLength {
		p.Add("secret", ledger.ReasonSecretInvalid, "secret must have %d to %d characters; leave it out to have one generated", MinSecretLength, MaxSecretLength)
		return false
	}
	for _, r := range s {
		if r <= ' ' || r > '~' {
			p.Add("secret", ledger.ReasonSecretInvalid, "secret must consist of printable ASCII characters without spaces")
			return false
		}
	}
	return true
}

// Subscribes reports whether an endpoint listening to events gets typ.
func Subscribes(events []string, typ string) bool {
	return slices.Contains(events, AllEvents) || slices.Contains(events, typ)
}
