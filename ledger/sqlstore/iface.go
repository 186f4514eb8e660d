package sqlstore

import "backoffice/ledger"

var _ ledger.Store = (*Store)(nil)
