package webhooks

import (
	"fmt"
	"net/netip"
	"strings"
)

// AddressPolicy says which addresses the webhook worker may connect to.
// Public unicast addresses are allowed. Everything that reaches inside the
// server's own network is refused (loopback, private and unique-local,
// link-local, carrier-grade NAT, unspecified, multicast and the other
// special-purpose ranges), also in their IPv4-mapped IPv6 forms, unless
// it lies in one of the Allow prefixes, which the operator configures
// (BACKOFFICE_WEBHOOK_ALLOW). Without it, anyone who can register an
// endpoint could make the server call its database, its cloud metadata
// service or an admin page on localhost (server-side request forgery).
type AddressPolicy struct {
	Allow []netip.Prefix
}

// refused are the special-purpose ranges (RFC 6890 and its IPv6 registry)
// that are not public unicast; loopback, RFC 1918, fc00::/7, link-local,
// multicast and unspecified are tested by netip's methods as well.
var refused = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8",       // "this network"
		"10.0.0.0/8",      // private
		"100.64.0.0/10",   // carrier-grade NAT (shared address space)
		"127.0.0.0/8",     // loopback
		"169.254.0.0/16",  // link-local, cloud metadata services
		"172.16.0.0/12",   // private
		"192.0.0.0/24",    // IETF protocol assignments
		"192.0.2.0/24",    // documentation
		"192.88.99.0/24",  // 6to4 relay anycast
		"192.168.0.0/16",  // private
		"198.18.0.0/15",   // benchmarking
		"198.51.100.0/24", // documentation
		"203.0.113.0/24",  // documentation
		"224.0.0.0/4",     // multicast
		"240.0.0.0/4",     // reserved, and the broadcast address
		"::/96",           // unspecified, loopback, IPv4-compatible (deprecated)
		"64:ff9b::/96",    // NAT64: would reach any IPv4 address, private ones too
		"64:ff9b:1::/48",  // local NAT64
		"100::/64",        // discard
		"2001::/23",       // IETF protocol assignments (Teredo among them)
		"2001:db8::/32",   // documentation
		"2002::/16",       // 6to4: embeds any IPv4 address
		"fc00::/7",        // unique local
		"fe80::/10",       // link-local
		"fec0::/10",       // site-local (deprecated)
		"ff00::/8",        // multicast
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// Allowed reports whether the worker may connect to a.
func (p AddressPolicy) Allowed(a netip.Addr) bool {
	if !a.IsValid() {
		return false
	}
	a = a.WithZone("")
	// ::ffff:10.0.0.1 reaches 10.0.0.1: judge the IPv4 address.
	plain := a.Unmap()
	for _, pr := range p.Allow {
		if pr.Contains(plain) || pr.Contains(a) {
			return true
		}
	}
	if plain.IsLoopback() || plain.IsPrivate() || plain.IsUnspecified() || plain.IsMulticast() ||
		plain.IsLinkLocalUnicast() || plain.IsLinkLocalMulticast() || plain.IsInterfaceLocalMulticast() {
		return false
	}
	for _, pr := range refused {
		if pr.Contains(plain) {
			return false
		}
	}
	return plain.IsGlobalUnicast()
}

// Named groups of prefixes that ParseAllow accepts as words.
var allowWords = map[string][]string{
	"loopback": {"127.0.0.0/8", "::1/128"},
	"private":  {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"},
}

// ParseAllow reads the operator's list of allowed prefixes, separated by
// commas or spaces: CIDR prefixes ("10.1.0.0/16"), single addresses
// ("192.168.1.5"), and the words "loopback" (127.0.0.0/8, ::1) and
// "private" (RFC 1918 and fc00::/7). An empty list allows public addresses
// only.
func ParseAllow(s string) (AddressPolicy, error) {
	var p AddressPolicy
	for _, item := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		if group, ok := allowWords[strings.ToLower(item)]; ok {
			for _, g := range group {
				p.Allow = append(p.Allow, netip.MustParsePrefix(g))
			}
			continue
		}
		if strings.Contains(item, "/") {
			pr, err := netip.ParsePrefix(item)
			if err != nil {
				return AddressPolicy{}, fmt.Errorf("webhook allow list: %q is not a prefix such as 10.0.0.0/8 or fd00::/8: %w", item, err)
			}
			if pr != pr.Masked() {
				return AddressPolicy{}, fmt.Errorf("webhook allow list: %q has bits set beyond its length; did you mean %s?", item, pr.Masked())
			}
			p.Allow = append(p.Allow, pr)
			continue
		}
		a, err := netip.ParseAddr(item)
		if err != nil || a.Zone() != "" {
			return AddressPolicy{}, fmt.Errorf("webhook allow list: %q is neither a prefix, an address, \"loopback\" nor \"private\"", item)
		}
		p.Allow = append(p.Allow, netip.PrefixFrom(a, a.BitLen()))
	}
	return p, nil
}

// String lists the allowed prefixes (for the start-up log).
func (p AddressPolicy) String() string {
	if len(p.Allow) == 0 {
		return "public addresses only"
	}
	s := make([]string, len(p.Allow))
	for i, pr := range p.Allow {
		s[i] = pr.String()
	}
	return "public addresses and " + strings.Join(s, ",")
}
