// Package pain001 writes SEPA credit transfer initiation files (ISO 20022
// pain.001, customer to bank): pain.001.001.09 (the default, the 2019
// message version the EPC guidelines have used since the 2023 rulebooks)
// and pain.001.001.03 (still accepted by the Dutch banks). It works on a
// plain Batch; it knows nothing of the database.
//
// A file is one group header and one payment information block: one
// debtor account, one requested execution date, payment method TRF,
// service level SEPA, charge bearer SLEV (the only one SEPA allows), and
// one CdtTrfTxInf per transfer. The number of transactions and the control
// sum are written in both the group header and the block; amounts are
// written from euro cents with integer arithmetic ("0.01", "1234.56").
// BtchBookg is always written: true asks the bank for one debit for the
// whole block, false for one debit per transfer (the EPC usage rule: when
// absent, the customer's agreement with the bank decides, so we never
// leave it to chance).
//
// # Rules applied and where they come from
//
// The schemas: the ISO 20022 XSDs of both versions (testdata/, see its
// README for the source), which fix the element order, the lengths (35
// for identifiers, 140 for names and Ustrd in the schema) and the BIC,
// IBAN and amount patterns. The .03 schema's BIC pattern is the pre-2014
// one and is stricter than .09's BICFI pattern; Write checks the one of the
// version it writes.
//
// The EPC SEPA Credit Transfer customer-to-PSP implementation guidelines
// (EPC132-08; the 2023 version's own XSD is in testdata too and the tests
// validate .09 output against it):
//   - character set: the basic Latin set a-z A-Z 0-9 / - ? : ( ) . , ' +
//     and space. Names, remittance text and address parts are converted
//     with SEPAText (see there for the transliteration choices; '&' becomes
//     '+'). Identifiers (MsgId, PmtInfId, EndToEndId) are not converted:
//     one with a character outside the set is refused, so that the id the
//     bank reports back is the id we stored;
//   - references and identifiers must not start or end with '/' nor
//     contain "//" (EPC "Clarification paper on the use of slashes in
//     references, identifications and identifiers"): refused for ids,
//     repaired by SEPAText in free text;
//   - names at most 70 characters; Ustrd at most 140 (one occurrence);
//     longer texts are refused, not cut, so the caller decides what to drop;
//   - amounts 0.01 to 999999999.99 euro per transfer, two decimals, EUR only;
//   - either Ustrd or Strd, not both; a structured creditor reference has
//     both a type (Cd SCOR) and a reference;
//   - the debtor agent is BICFI (BIC in .03) when known, otherwise
//     Othr/Id "NOTPROVIDED"; the creditor agent is written only with a BIC
//     (the BIC is optional within SEPA since 2016).
//
// Addresses. Version .09: the creditor's postal address is written only
// when town and country are known, structured (StrtNm, BldgNb, PstCd,
// TwnNm, Ctry): the EPC guidelines are moving from free address lines to
// structured (or hybrid) addresses, which need at least town and
// country, and a structured address is valid under both. When Street is
// empty the first non-empty free address line fills StrtNm. Otherwise no
// address is written (it is optional within the EEA). Version .03: no
// creditor address at all (its PostalAddress6 has no place for a hybrid
// address and the Dutch banks do not need one for SEPA). The debtor's
// address is written, structured, in both versions when its town and
// country are known: the SEPA rulebook asks for the payer's address when
// the payee's bank is in a SEPA country outside the EEA (Switzerland, the
// United Kingdom, Monaco, ...; OutsideEEA), so a batch with such a
// transfer and no debtor address is refused. SEPAIBAN tells an IBAN of a
// SEPA country from one the scheme does not reach.
//
// Dutch payment references. A CreditorReference must be a betalingskenmerk
// (see ValidPaymentReference for the Betaalvereniging Nederland rules:
// 7 digits, or 9 to 14 or 16 digits with a weighted modulus 11 check
// digit). It is written as structured remittance information,
// Strd/CdtrRefInf/Tp/CdOrPrtry/Cd "SCOR" with Tp/Issr "CUR" (Currence, the
// former acceptgiro scheme owner), then Ref: the form in the Dutch banks'
// (Betaalvereniging / ZVN) implementation guidelines for pain.001, where
// the issuer CUR tells the bank to check the reference. RF references
// (ISO 11649, issuer ISO) are not supported.
//
// Dates. CreDtTm is the creation time in UTC, whole seconds, with "Z"
// (both versions' ISODateTime is xs:dateTime, so the zone is allowed and
// makes the instant unambiguous). ReqdExctnDt is the execution date's
// calendar date as given (in .09 inside Dt, in .03 the date itself).
//
// Write refuses a batch with an *Error listing every problem with the
// path of the field (for example "transfers[3].creditor.iban"); the IBAN
// check digits (ISO 7064 MOD 97-10) are checked here.
package pain001
