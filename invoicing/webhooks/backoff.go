package webhooks

import (
	"math/rand/v2"
	"time"
)

// The default retry schedule. After a failed attempt n the next one waits
// Backoff(n, 30 s, 6 h): 30 s, 1, 2, 4, 8, 16, 32 min, about 1, 2 and 4 h,
// then 6 h four times. The 15th failed attempt makes the delivery failed,
// about 32 hours after the first (jitter shortens waits by up to a fifth),
// so a receiver that is down for a day still gets everything; after that a
// person looks at the delivery log and redelivers.
const (
	DefaultBackoffBase = 30 * time.Second
	DefaultBackoffMax  = 6 * time.Hour
	DefaultMaxAttempts = 15
)

// Limits that keep one endpoint from holding up the others.
//
// MaxInFlightPerEndpoint is how many deliveries of one endpoint may be
// under an unexpired claim at once, over every worker of every server (the
// claim counts them in the database). A receiver that accepts connections
// and never answers thus holds at most this many of a worker's slots, for
// the request timeout each; the other endpoints get the rest. Two lets a
// healthy receiver overlap one slow answer with the next delivery.
//
// EndpointFailuresBeforeBackoff is how many failed attempts in a row
// (Result.EndpointFailed) make the endpoint itself wait: from then on every
// further failure holds all of its deliveries back for
// EndpointBackoff, and a success ends that at once.
//
// DefaultEndpointBackoffMax caps that wait (less than the retry
// schedule's cap, so that a receiver that is back is noticed within
// minutes; each delivery keeps its own retry schedule as well).
const (
	MaxInFlightPerEndpoint        = 2
	EndpointFailuresBeforeBackoff = 3
	DefaultEndpointBackoffMax     = 10 * time.Minute
)

// EndpointBackoff is how long an endpoint waits after its failures-th
// failed attempt in a row: nothing below EndpointFailuresBeforeBackoff,
// then the retry schedule's Backoff counted from there (base, 2 base, 4
// base ... at most max).
func EndpointBackoff(failures int, base, max time.Duration) time.Duration {
	if failures < EndpointFailuresBeforeBackoff {
		return 0
	}
	return Backoff(failures-EndpointFailuresBeforeBackoff+1, base, max)
}

// Backoff is how long to wait after failed attempt number attempt (1 for
// the first): base doubled per earlier attempt, at most max, less a random
// part of up to 20 % so that deliveries that failed together (a receiver's
// outage) do not all return in the same instant. It never exceeds max and
// never goes below 80 % of the undisturbed wait.
func Backoff(attempt int, base, max time.Duration) time.Duration {
	if base <= 0 || max <= 0 {
		return 0
	}
	d := min(base, max)
	for i := 1; i < attempt && d < max; i++ {
		if d > max/2 {
			d = max // and no overflow however large max is
			break
		}
		d *= 2
	}
	if j := int64(d / 5); j > 0 {
		d -= time.Duration(rand.Int64N(j + 1))
	}
	return d
}
