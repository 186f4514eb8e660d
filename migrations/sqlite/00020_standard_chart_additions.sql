-- Entities created on the standard chart before issue 16 get what the
-- standard chart has gained since (see ledger.ChartTemplates and
-- invoicing.DutchTaxCodes): the revaluation accounts, the VAT settlement
-- account and the revenue accounts per VAT treatment (named in the
-- entity's language, with their RGS codes), the tax codes the VAT return
-- and the ICP listing tell apart, and on the seeded tax codes their revenue
-- accounts. An entity counts as on the standard chart when it has the
-- seeded tax code 21, revenue account 8000 and VAT account 1700; an account
-- or tax code whose code it already uses is left as it is. A seeded tax
-- code gets a revenue account only while the entity's invoicing settings
-- still default to 8000, so that a firm that chose another default keeps
-- it. The rows are dated as the entity's creation (no clock in SQL that
-- both drivers read alike); the audit trail has no event for them.

-- +goose Up
WITH v(code, name_en, name_nl, type, parent, rgs) AS (VALUES
    ('1020', 'Revaluation of foreign currency bank balances', 'Herwaardering banktegoeden in vreemde valuta', 'asset', '', 'BLimBanRba'),
    ('1110', 'Revaluation of receivables', 'Herwaardering debiteuren', 'asset', '', 'BVorDebHad'),
    ('1610', 'Revaluation of payables', 'Herwaardering crediteuren', 'liability', '', 'BSchCreHac'),
    ('1750', 'VAT settlement', 'Btw-afdracht', 'liability', '', 'BSchBepBtwAfo'),
    ('8250', 'Revenue, exempt from VAT', 'Omzet vrijgesteld van btw', 'revenue', '8000', 'WOmzNopNod'),
    ('8300', 'Revenue, intra-EU supplies of goods', 'Omzet intracommunautaire leveringen', 'revenue', '8000', 'WOmzNopOli'),
    ('8310', 'Revenue, services to other EU countries', 'Omzet diensten naar andere EU-landen', 'revenue', '8000', 'WOmzNodOdi'),
    ('8400', 'Revenue, exports outside the EU', 'Omzet export buiten de EU', 'revenue', '8000', 'WOmzNopOln'),
    ('8410', 'Revenue, services outside the EU', 'Omzet diensten buiten de EU', 'revenue', '8000', 'WOmzNodOdg'),
    ('8910', 'Unrealised exchange results', 'Ongerealiseerde koersresultaten', 'revenue', '', 'WBedAdlVal'))
INSERT INTO accounts (entity_id, code, name, type, parent_id, rgs_code, rgs_version, created_at, updated_at)
SELECT e.id, v.code, CASE WHEN e.locale = 'nl' OR e.locale LIKE 'nl-%' THEN v.name_nl ELSE v.name_en END, v.type,
       (SELECT p.id FROM accounts p WHERE p.entity_id = e.id AND p.code = v.parent), v.rgs, '3.8', e.created_at, e.created_at
  FROM entities e CROSS JOIN v
 WHERE EXISTS (SELECT 1 FROM tax_codes t WHERE t.entity_id = e.id AND t.code = '21' AND t.kind = 'standard')
   AND EXISTS (SELECT 1 FROM accounts a WHERE a.entity_id = e.id AND a.code = '8000' AND a.type = 'revenue')
   AND EXISTS (SELECT 1 FROM accounts a WHERE a.entity_id = e.id AND a.code = '1700')
   AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.entity_id = e.id AND a.code = v.code);

WITH v(code, description, kind, revenue) AS (VALUES
    ('intra-eu-services', 'Diensten aan ondernemers in andere EU-landen', 'intra_eu_services', '8310'),
    ('intra-eu-triangular', 'ABC-levering (driehoekshandel)', 'intra_eu_triangular', '8300'),
    ('export', 'Uitvoer van goederen buiten de EU', 'export', '8400'),
    ('non-eu-services', 'Diensten aan afnemers buiten de EU', 'non_eu_services', '8410'),
    ('distance-sales', 'Installatie en afstandsverkopen binnen de EU', 'distance_sales', '8300'))
INSERT INTO tax_codes (entity_id, code, description, rate, kind, account_id, revenue_account_id, created_at, updated_at)
SELECT e.id, v.code, v.description, '0', v.kind, vat.id,
       (SELECT r.id FROM accounts r WHERE r.entity_id = e.id AND r.code = v.revenue), e.created_at, e.created_at
  FROM entities e CROSS JOIN v JOIN accounts vat ON vat.entity_id = e.id AND vat.code = '1700'
 WHERE EXISTS (SELECT 1 FROM tax_codes t WHERE t.entity_id = e.id AND t.code = '21' AND t.kind = 'standard')
   AND EXISTS (SELECT 1 FROM accounts a WHERE a.entity_id = e.id AND a.code = '8000' AND a.type = 'revenue')
   AND EXISTS (SELECT 1 FROM accounts a WHERE a.entity_id = e.id AND a.code = '1700')
   AND NOT EXISTS (SELECT 1 FROM tax_codes t WHERE t.entity_id = e.id AND t.code = v.code);

UPDATE tax_codes SET revenue_account_id = (SELECT r.id FROM accounts r WHERE r.entity_id = tax_codes.entity_id AND r.type = 'revenue'
                                            AND r.code = CASE tax_codes.code WHEN '21' THEN '8000' WHEN '9' THEN '8100' WHEN '0' THEN '8200' WHEN 'reverse-charge' THEN '8200' WHEN 'exempt' THEN '8250' WHEN 'intra-eu' THEN '8300' END)
 WHERE revenue_account_id IS NULL
   AND code IN ('21', '9', '0', 'reverse-charge', 'exempt', 'intra-eu')
   AND kind = CASE code WHEN '21' THEN 'standard' WHEN '9' THEN 'reduced' WHEN '0' THEN 'zero' WHEN 'reverse-charge' THEN 'reverse_charge' WHEN 'exempt' THEN 'exempt' WHEN 'intra-eu' THEN 'intra_eu' END
   AND NOT EXISTS (SELECT 1 FROM invoicing_settings s WHERE s.entity_id = tax_codes.entity_id AND s.revenue_account <> '8000');

-- +goose Down
-- The accounts and tax codes stay: entries and invoices may use them.
SELECT 1;
