package api

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Failed authentication is throttled per client address: each failure
// takes a token from the address's bucket, which holds authFailBurst and
// refills at authFailPerSecond. With the bucket empty a failure is answered
// 429 with Retry-After instead of 401. A request is throttled only once its
// key has been found wrong, so a valid key is never refused, whoever sends
// it from wherever.
const (
	authFailBurst     = 20
	authFailPerSecond = 1
	// throttledAddrsMax bounds the memory a flood of addresses can take.
	throttledAddrsMax = 10_000
)

type authThrottle struct {
	mu    sync.Mutex
	now   func() time.Time
	addrs map[netip.Prefix]*addrBucket
}

type addrBucket struct {
	lim       *rate.Limiter
	throttled bool // the last failure was refused
}

func newAuthThrottle() *authThrottle {
	return &authThrottle{now: time.Now, addrs: map[netip.Prefix]*addrBucket{}}
}

// fail records a failed authentication from addr. It returns how long the
// client must wait (0: answer 401 as usual) and whether this failure is the
// one that emptied the bucket (worth one log line; the ones after it are
// not).
func (t *authThrottle) fail(addr string) (wait time.Duration, tripped bool) {
	key := clientPrefix(addr)
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	b, ok := t.addrs[key]
	if !ok {
		if len(t.addrs) >= throttledAddrsMax {
			t.forgetIdle(now)
		}
		b = &addrBucket{lim: rate.NewLimiter(authFailPerSecond, authFailBurst)}
		t.addrs[key] = b
	}
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now) // a refused request does not queue up more waiting
		tripped = !b.throttled
		b.throttled = true
		return d, tripped
	}
	b.throttled = false
	return 0, false
}

// forgetIdle drops the addresses whose bucket is full again (they have
// not failed for a while); if that frees nothing, it starts over.
func (t *authThrottle) forgetIdle(now time.Time) {
	for k, b := range t.addrs {
		if b.lim.TokensAt(now) >= authFailBurst {
			delete(t.addrs, k)
		}
	}
	if len(t.addrs) >= throttledAddrsMax {
		clear(t.addrs)
	}
}

// clientPrefix is the unit throttled: an IPv4 address, or an IPv6 /64 (one
// customer's network, which can hold any number of addresses).
func clientPrefix(addr string) netip.Prefix {
	if host, _, err := net.SplitHostPort(addr); err == nil {
		addr = host
	}
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return netip.Prefix{}
	}
	ip = ip.Unmap()
	if ip.Is4() {
		return netip.PrefixFrom(ip, 32)
	}
	p, _ := ip.Prefix(64)
	return p
}

// retryAfter is a wait in whole seconds for Retry-After, at least 1.
func retryAfter(d time.Duration) string {
	secs := int((d + time.Second - 1) / time.Second)
	return fmt.Sprint(max(secs, 1))
}

// plural is "1 second" or "n seconds".
func plural(n, unit string) string {
	if n == "1" {
		return n + " " + unit
	}
	return n + " " + unit + "s"
}

// keyLogPrefix is as much of a presented key as may be logged: at most ten
// characters and never more than half of it, so that a secret (ours, or one
// of another system sent here by mistake) cannot be read from the logs.
func keyLogPrefix(secret string) string {
	n := min(10, len(secret)/2)
	var b strings.Builder
	for i := 0; i < n; i++ {
		if c := secret[i]; c > 0x20 && c < 0x7f {
			b.WriteByte(c)
		} else {
			b.WriteByte('?')
		}
	}
	return b.String()
}

// ParseTrustedProxies reads the --trusted-proxies setting: addresses and
// prefixes, comma-separated. Only a request from one of them may say whose
// request it forwards (X-Forwarded-For, X-Real-IP); from anyone else those
// headers are ignored and the connection's address is the client's.
func ParseTrustedProxies(s string) ([]string, error) {
	var out []string
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if _, err := netip.ParsePrefix(f); err != nil {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("%q is neither an address nor a prefix such as 10.0.0.0/8", f)
			}
			if a.Zone() != "" { // a forwarded-by address never carries one
				return nil, fmt.Errorf("%q: give the address without its zone (%%%s)", f, a.Zone())
			}
		}
		out = append(out, f)
	}
	return out, nil
}
